/* SPDX-License-Identifier: Apache-2.0 */
/*
 * procexit (PROCEXIT_1_E): a thread ends. Also prunes the target tree: a
 * thread group leaves it with its last thread (signal->live is already
 * decremented here), not with its leader, which may end first: a thread
 * that execs outlives the leader it replaces, and a leader may exit while
 * its threads run on.
 */

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *p)
{
	__u32 tgid = p->tgid;
	int wanted = task_wanted(tgid);
	if (settings.target_mode && p->signal->live.counter == 0)
		bpf_map_delete_elem(&targets, &tgid);
	if (!wanted)
		return 0;
	__s64 code = p->exit_code;
	EVT_OPEN(5);
	store_s64(s, code);                 /* status: raw wait status */
	store_s64(s, (code >> 8) & 0xff);   /* ret: exit code */
	store_u8(s, code & 0x7f);           /* sig: terminating signal */
	store_u8(s, (code & 0x80) ? 1 : 0); /* core */
	store_s64(s, 0);                    /* reaper_tid: not resolved by the probe */
	evt_submit(s, PPME_PROCEXIT_1_E, p->pid, DROP_EXIT);
	return 0;
}
