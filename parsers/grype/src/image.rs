//! Image references in Grype's `source.target.userInput`.

/// Source schemes Grype accepts for images from a daemon or registry.
const IMAGE_SCHEMES: [&str; 4] = ["docker:", "podman:", "containerd:", "registry:"];
/// Source schemes whose input is a path, not an image reference.
const PATH_SCHEMES: [&str; 8] = [
    "docker-archive:",
    "oci-archive:",
    "oci-dir:",
    "singularity:",
    "dir:",
    "file:",
    "sbom:",
    "att:",
];

/// The image reference in Grype's `userInput`, without a source scheme; `None` when the input
/// names an archive or a path.
pub fn reference_in_user_input(input: &str) -> Option<&str> {
    let t = input.trim();
    if t.is_empty() || PATH_SCHEMES.iter().any(|s| t.starts_with(s)) {
        return None;
    }
    for s in IMAGE_SCHEMES {
        if let Some(rest) = t.strip_prefix(s) {
            // `registry:5000/app` is a host and port, not the `registry:` scheme
            if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                return Some(rest).filter(|r| !r.is_empty());
            }
        }
    }
    if t.starts_with('/') || t.starts_with('.') || t.ends_with(".tar") || t.ends_with(".tar.gz") {
        return None;
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_inputs() {
        assert_eq!(reference_in_user_input("alpine:3.18"), Some("alpine:3.18"));
        assert_eq!(
            reference_in_user_input("docker:alpine:3.18"),
            Some("alpine:3.18")
        );
        assert_eq!(
            reference_in_user_input("registry:ghcr.io/o/a:1"),
            Some("ghcr.io/o/a:1")
        );
        assert_eq!(
            reference_in_user_input("registry:5000/app:1"),
            Some("registry:5000/app:1")
        );
        assert_eq!(reference_in_user_input("docker-archive:/tmp/img.tar"), None);
        assert_eq!(reference_in_user_input("./img.tar"), None);
        assert_eq!(reference_in_user_input(""), None);
    }
}
