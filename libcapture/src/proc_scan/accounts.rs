//! Users and groups from `passwd` and `group`.

use std::path::Path;

use super::read_text;
use crate::meta::{GroupInfo, UserInfo};

/// Reads `etc/passwd` and `etc/group`; a missing file gives an empty list.
pub(super) fn read(etc: &Path) -> (Vec<UserInfo>, Vec<GroupInfo>) {
    let users = read_text(&etc.join("passwd"))
        .map(|t| parse_passwd(&t))
        .unwrap_or_default();
    let groups = read_text(&etc.join("group"))
        .map(|t| parse_group(&t))
        .unwrap_or_default();
    (users, groups)
}

/// `name:password:uid:gid:gecos:home:shell` per line; malformed lines are skipped.
fn parse_passwd(text: &str) -> Vec<UserInfo> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            if f.len() < 7 {
                return None;
            }
            Some(UserInfo {
                name: f[0].to_string(),
                uid: f[2].parse().ok()?,
                gid: f[3].parse().ok()?,
                homedir: f[5].to_string(),
                shell: f[6].to_string(),
            })
        })
        .collect()
}

/// `name:password:gid:members` per line; malformed lines are skipped.
fn parse_group(text: &str) -> Vec<GroupInfo> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            Some(GroupInfo {
                name: f.first()?.to_string(),
                gid: f.get(2)?.parse().ok()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lines_become_users_and_bad_lines_are_skipped() {
        let users = parse_passwd("root:x:0:0:root:/root:/bin/bash\n# comment\nbad:x:y:0::/:/bin/sh\nnobody:x:65534:65534:n:/nonexistent:/usr/sbin/nologin\n");
        assert_eq!(users.len(), 2);
        assert_eq!(
            (users[1].uid, users[1].gid, users[1].shell.as_str()),
            (65534, 65534, "/usr/sbin/nologin")
        );
        assert_eq!(users[0].homedir, "/root");
    }

    #[test]
    fn group_lines_become_groups() {
        let groups = parse_group("root:x:0:\nadm:x:4:syslog,alice\n\n");
        assert_eq!(
            groups,
            vec![
                GroupInfo {
                    gid: 0,
                    name: "root".into()
                },
                GroupInfo {
                    gid: 4,
                    name: "adm".into()
                },
            ]
        );
    }
}
