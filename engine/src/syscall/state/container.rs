//! Container ids from cgroup paths.
//!
//! Runtimes put a 64-hex-digit container id into the cgroup path
//! (`/docker/<id>`, `docker-<id>.scope`, `cri-containerd-<id>.scope`,
//! `crio-<id>.scope`, `libpod-<id>.scope`, `/kubepods/.../<id>`). Like
//! libsinsp, the id is shortened to its first 12 characters.

/// Length of a short container id.
pub const SHORT_ID_LEN: usize = 12;

/// The container id found in any of `cgroups` (subsystem, path) pairs.
pub fn container_id_from_cgroups<'a>(
    cgroups: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    cgroups
        .into_iter()
        .find_map(|(_, path)| container_id_from_path(path))
        .map(str::to_owned)
}

/// The short container id in one cgroup path, if there is one.
pub fn container_id_from_path(path: &str) -> Option<&str> {
    for component in path.rsplit('/') {
        let id = component
            .strip_suffix(".scope")
            .map(|c| c.rsplit(['-', ':']).next().unwrap_or(c))
            .unwrap_or(component);
        let id = id.rsplit(':').next().unwrap_or(id);
        if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Some(&id[..SHORT_ID_LEN]);
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const ID: &str = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";

    #[test]
    fn finds_ids_of_common_runtimes() {
        for path in [
            format!("/docker/{ID}"),
            format!("/system.slice/docker-{ID}.scope"),
            format!("/kubepods/besteffort/pod1234/{ID}"),
            format!("/kubepods.slice/kubepods-pod1.slice/cri-containerd-{ID}.scope"),
            format!("/machine.slice/libpod-{ID}.scope"),
            format!("/kubepods.slice/crio-{ID}.scope"),
        ] {
            assert_eq!(container_id_from_path(&path), Some(&ID[..12]), "{path}");
        }
    }

    #[test]
    fn host_paths_have_no_id() {
        assert_eq!(
            container_id_from_path("/user.slice/user-1000.slice/session-1.scope"),
            None
        );
        assert_eq!(container_id_from_path("/"), None);
    }
}
