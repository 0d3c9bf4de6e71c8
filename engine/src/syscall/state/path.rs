//! Path resolution as libsinsp does it: relative paths are joined to a
//! directory and `.`/`..`/`//` are folded, without touching the file system.

/// Joins `path` to `dir` (unless it is absolute) and normalises the result.
pub fn concat_path(dir: &str, path: &str) -> String {
    if path.starts_with('/') || dir.is_empty() {
        return normalize_path(path);
    }
    let mut joined = String::with_capacity(dir.len() + path.len() + 1);
    joined.push_str(dir);
    if !dir.ends_with('/') {
        joined.push('/');
    }
    joined.push_str(path);
    normalize_path(&joined)
}

/// Folds `.`, `..` and repeated slashes of an absolute path. Relative
/// paths are returned with only those components folded.
pub fn normalize_path(path: &str) -> String {
    if !path.contains("//") && !path.contains("/.") && !path.starts_with('.') {
        return path.to_owned();
    }
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let mut out = String::with_capacity(path.len());
    if absolute {
        out.push('/');
    }
    out.push_str(&parts.join("/"));
    if out.is_empty() {
        out.push('.');
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_join_the_directory() {
        assert_eq!(concat_path("/home/u/", "a.txt"), "/home/u/a.txt");
        assert_eq!(concat_path("/home/u", "../v/./b"), "/home/v/b");
        assert_eq!(concat_path("/home/u/", "/etc//passwd"), "/etc/passwd");
        assert_eq!(concat_path("/", ".."), "/");
    }

    #[test]
    fn plain_paths_are_returned_unchanged() {
        assert_eq!(normalize_path("/etc/shadow"), "/etc/shadow");
        assert_eq!(normalize_path("/a/b/.."), "/a");
    }
}
