//! Generic syscall events and meta events: drops, scap events, procinfo,
//! containers, plugin and async events, users and groups, scheduler and
//! page-fault tracepoints, and unused placeholders.

use super::events;
use super::ParamExtra::*;
use crate::flags;

events! {
    GENERIC_E = 0, "syscall", [OTHER SYSCALL], [OLD CM], 2, {
        ("ID", SyscallId, Dec),
        ("nativeID", Uint16, Dec),
    };
    GENERIC_X = 1, "syscall", [OTHER SYSCALL], [CM], 1, {
        ("ID", SyscallId, Dec),
        ("nativeID", Uint16, Dec),
    };
    SCHEDSWITCH_1_E = 146, "switch", [SCHEDULER TRACEPOINT], [OLD SK CM], 1, {
        ("next", Pid, Dec),
    };
    SCHEDSWITCH_1_X = 147, "NA", [UNKNOWN], [UN], 0, {};
    DROP_E = 148, "drop", [INTERNAL METAEVENT], [SK], 1, {
        ("ratio", Uint32, Dec),
    };
    DROP_X = 149, "drop", [INTERNAL METAEVENT], [SK], 1, {
        ("ratio", Uint32, Dec),
    };
    SCHEDSWITCH_6_E = 152, "switch", [SCHEDULER TRACEPOINT], [], 6, {
        ("next", Pid, Dec),
        ("pgft_maj", Uint64, Dec),
        ("pgft_min", Uint64, Dec),
        ("vm_size", Uint32, Dec),
        ("vm_rss", Uint32, Dec),
        ("vm_swap", Uint32, Dec),
    };
    SCHEDSWITCH_6_X = 153, "NA", [UNKNOWN], [UN], 0, {};
    SCAPEVENT_E = 196, "scapevent", [INTERNAL METAEVENT], [SK], 2, {
        ("event_type", Uint32, Dec),
        ("event_data", Uint64, Dec),
    };
    SCAPEVENT_X = 197, "NA", [UNKNOWN], [UN], 0, {};
    CONTAINER_E = 228, "container", [INTERNAL METAEVENT], [OLD SK MS CM], 4, {
        ("id", CharBuf, Na),
        ("type", Uint32, Dec),
        ("name", CharBuf, Na),
        ("image", CharBuf, Na),
    };
    CONTAINER_X = 229, "NA", [UNKNOWN], [UN], 0, {};
    PROCINFO_E = 234, "procinfo", [INTERNAL METAEVENT], [SK], 2, {
        ("cpu_usr", Uint64, Dec),
        ("cpu_sys", Uint64, Dec),
    };
    PROCINFO_X = 235, "NA", [UNKNOWN], [UN], 0, {};
    CPU_HOTPLUG_E = 244, "cpu_hotplug", [SYSTEM METAEVENT], [SK MS], 2, {
        ("cpu", Uint32, Dec),
        ("action", Uint32, Dec),
    };
    CPU_HOTPLUG_X = 245, "NA", [UNKNOWN], [UN], 0, {};
    K8S_E = 260, "k8s", [INTERNAL METAEVENT], [OLD SK MS], 1, {
        ("json", CharBuf, Na),
    };
    K8S_X = 261, "NA", [UNKNOWN], [UN], 0, {};
    TRACER_E = 268, "tracer", [OTHER METAEVENT], [OLD], 3, {
        ("id", Int64, Dec),
        ("tags", CharBufArray, Na),
        ("args", CharBufPairArray, Na),
    };
    TRACER_X = 269, "NA", [UNKNOWN], [UN], 3, {
        ("id", Int64, Dec),
        ("tags", CharBufArray, Na),
        ("args", CharBufPairArray, Na),
    };
    MESOS_E = 270, "mesos", [INTERNAL METAEVENT], [OLD SK MS], 1, {
        ("json", CharBuf, Na),
    };
    MESOS_X = 271, "NA", [UNKNOWN], [UN], 0, {};
    CONTAINER_JSON_E = 272, "container", [PROCESS METAEVENT], [OLD MS CM], 1, {
        ("json", CharBuf, Na),
    };
    CONTAINER_JSON_X = 273, "NA", [UNKNOWN], [UN], 0, {};
    NOTIFICATION_E = 280, "notification", [OTHER METAEVENT], [SK], 2, {
        ("id", CharBuf, Dec),
        ("desc", CharBuf, Na),
    };
    NOTIFICATION_X = 281, "NA", [UNKNOWN], [UN], 0, {};
    INFRASTRUCTURE_EVENT_E = 286, "infra", [INTERNAL METAEVENT], [SK], 4, {
        ("source", CharBuf, Dec),
        ("name", CharBuf, Na),
        ("description", CharBuf, Na),
        ("scope", CharBuf, Na),
    };
    INFRASTRUCTURE_EVENT_X = 287, "NA", [UNKNOWN], [UN], 0, {};
    PAGE_FAULT_E = 290, "page_fault", [OTHER TRACEPOINT], [SK], 3, {
        ("addr", Uint64, Hex),
        ("ip", Uint64, Hex),
        ("error", Flags32, Hex, Flags(flags::PF_FLAGS)),
    };
    PAGE_FAULT_X = 291, "NA", [UNKNOWN], [UN], 0, {};
    PLUGINEVENT_E = 322, "pluginevent", [OTHER PLUGIN], [LP], 2, {
        ("plugin_id", Uint32, Dec),
        ("event_data", ByteBuf, Na),
    };
    PLUGINEVENT_X = 323, "NA", [UNKNOWN], [UN], 0, {};
    CONTAINER_JSON_2_E = 324, "container", [PROCESS METAEVENT], [MS LP], 1, {
        ("json", CharBuf, Na),
    };
    CONTAINER_JSON_2_X = 325, "NA", [UNKNOWN], [UN], 0, {};
    USER_ADDED_E = 354, "useradded", [PROCESS METAEVENT], [MS], -, {
        ("uid", Uint32, Dec),
        ("gid", Uint32, Dec),
        ("name", CharBuf, Na),
        ("home", CharBuf, Na),
        ("shell", CharBuf, Na),
        ("container_id", CharBuf, Na),
    };
    USER_ADDED_X = 355, "NA", [UNKNOWN], [UN], -, {};
    USER_DELETED_E = 356, "userdeleted", [PROCESS METAEVENT], [MS], -, {
        ("uid", Uint32, Dec),
        ("gid", Uint32, Dec),
        ("name", CharBuf, Na),
        ("home", CharBuf, Na),
        ("shell", CharBuf, Na),
        ("container_id", CharBuf, Na),
    };
    USER_DELETED_X = 357, "NA", [UNKNOWN], [UN], -, {};
    GROUP_ADDED_E = 358, "groupadded", [PROCESS METAEVENT], [MS], -, {
        ("gid", Uint32, Dec),
        ("name", CharBuf, Na),
        ("container_id", CharBuf, Na),
    };
    GROUP_ADDED_X = 359, "NA", [UNKNOWN], [UN], -, {};
    GROUP_DELETED_E = 360, "groupdeleted", [PROCESS METAEVENT], [MS], -, {
        ("gid", Uint32, Dec),
        ("name", CharBuf, Na),
        ("container_id", CharBuf, Na),
    };
    GROUP_DELETED_X = 361, "NA", [UNKNOWN], [UN], -, {};
    ASYNCEVENT_E = 402, "asyncevent", [OTHER METAEVENT], [LP], -, {
        ("plugin_id", Uint32, Dec),
        ("name", CharBuf, Na),
        ("data", ByteBuf, Na),
    };
    ASYNCEVENT_X = 403, "NA", [UNKNOWN], [UN], -, {};
    UNKNOWN_452_E = 452, "NA", [UNKNOWN], [UN], -, {};
    UNKNOWN_452_X = 453, "NA", [UNKNOWN], [UN], -, {};
}
