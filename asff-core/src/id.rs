//! Stable finding ids.
//!
//! An Id is derived from the tool, the [`Scope`](crate::Scope) and the fields that identify the
//! finding within it (for Dependency-Check: the dependency and the vulnerability), never from
//! the build id, the time or the position in the report. It reads
//! `{tool}/{scope}/{key}/{sha256}`: the readable parts are shortened for people, while the
//! SHA-256 covers the full, unambiguous identity, so two different records never share an Id.
//! Secret-looking values are masked in the readable parts ([`crate::redact`]), not in what the
//! hash covers.
//! An Id is at most 512 bytes.

use sha2::{Digest, Sha256};

use crate::context::Scope;
use crate::redact::redact;

/// Longest readable part of an Id.
const PART_MAX: usize = 120;

/// The Id of a finding of `tool` in `scope` identified by `identity`.
pub fn finding_id(tool: &str, scope: &Scope, identity: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in std::iter::once(tool)
        .chain(std::iter::once(scope.key().as_str()))
        .chain(identity.iter().copied())
    {
        // length-prefixed, so that ["a/b"] and ["a", "b"] differ
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let digest = hex(&h.finalize());
    let key = identity.first().copied().unwrap_or("finding");
    // the readable parts never show a secret in clear (whatever the context says: an Id must
    // not depend on it); the hash covers the identity as it is
    format!(
        "{}/{}/{}/{}",
        readable(tool),
        readable(&redact(&scope.key()).0),
        readable(&redact(key).0),
        digest
    )
}

/// The GeneratorId of a tool's findings in a scope: `{tool}/{scope}`, at most 512 bytes
/// (a long scope is shortened and made unique with its hash), control characters written as
/// `%XX` ([`crate::text::escape_controls`]).
pub fn generator_id(tool: &str, scope: &Scope) -> String {
    // context values may carry control characters; a GeneratorId is shown and filtered on
    let full = crate::text::escape_controls(&format!("{tool}/{}", scope.key())).into_owned();
    if full.len() <= 512 {
        return full;
    }
    let digest = hex(&Sha256::digest(full.as_bytes()));
    let head = crate::fit::truncate_bytes(&full, 512 - 65);
    format!("{head}/{digest}")
}

/// At most `PART_MAX` bytes of `s`, without control characters, cut on a character boundary.
fn readable(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().filter(|c| !c.is_control()) {
        if out.len() + c.len_utf8() > PART_MAX {
            break;
        }
        out.push(c);
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file path as it identifies a file across builds. CodeBuild checks the source out into a
/// directory whose name changes with every build (`/codebuild/output/src123456789/src/…`,
/// `/tmp/src123456789/src/…`); that number is dropped so builds of one repository agree.
/// Other paths (and strings that are not paths) stay as they are.
pub fn stable_path(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in ["/codebuild/output/src", "/tmp/src"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            match rest.get(digits..) {
                Some(tail) if digits > 0 && tail.starts_with('/') => {
                    return std::borrow::Cow::Owned(format!("{prefix}{tail}"));
                }
                _ => {}
            }
        }
    }
    std::borrow::Cow::Borrowed(path)
}

/// The SHA-256 of some text, as lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    sha256_hex_bytes(text.as_bytes())
}

/// The SHA-256 of some bytes, as lower-case hex.
pub fn sha256_hex_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> Scope {
        Scope::Repository {
            name: "github.com/org/repo".into(),
            branch: Some("main".into()),
        }
    }

    #[test]
    fn ids_are_deterministic_and_readable() {
        let a = finding_id("dependency-check", &repo(), &["pkg:maven/a/b@1", "CVE-1"]);
        let b = finding_id("dependency-check", &repo(), &["pkg:maven/a/b@1", "CVE-1"]);
        assert_eq!(a, b);
        assert!(a.starts_with("dependency-check/github.com/org/repo@main/pkg:maven/a/b@1/"));
    }

    #[test]
    fn identity_boundaries_matter() {
        let a = finding_id("t", &repo(), &["a/b", "c"]);
        let b = finding_id("t", &repo(), &["a", "b/c"]);
        assert_ne!(a, b);
        let other_branch = Scope::Repository {
            name: "github.com/org/repo".into(),
            branch: Some("dev".into()),
        };
        assert_ne!(a, finding_id("t", &other_branch, &["a/b", "c"]));
        assert_ne!(a, finding_id("u", &repo(), &["a/b", "c"]));
    }

    #[test]
    fn codebuild_checkout_directories_do_not_change_paths() {
        assert_eq!(
            stable_path("/codebuild/output/src123456789/src/github.com/o/r/lib/a.jar"),
            "/codebuild/output/src/src/github.com/o/r/lib/a.jar"
        );
        assert_eq!(
            stable_path("/codebuild/output/src987/src/github.com/o/r/lib/a.jar"),
            stable_path("/codebuild/output/src123456789/src/github.com/o/r/lib/a.jar")
        );
        assert_eq!(stable_path("/tmp/src42/x.php"), "/tmp/src/x.php");
        assert_eq!(stable_path("/tmp/srcfoo/x.php"), "/tmp/srcfoo/x.php");
        assert_eq!(stable_path("pkg:maven/a/b@1"), "pkg:maven/a/b@1");
        assert_eq!(
            stable_path("/codebuild/output/src12"),
            "/codebuild/output/src12"
        );
    }

    #[test]
    fn secrets_are_masked_in_the_readable_part_only() {
        let secret = "https://h/?token=abcdefgh1234";
        let id = finding_id("t", &repo(), &[secret]);
        assert!(!id.contains("abcdefgh1234"), "{id}");
        assert!(id.starts_with("t/github.com/org/repo@main/https://h/?token=abcd****/"));
        // the hash is of the identity: another secret, another Id
        assert_ne!(
            id,
            finding_id("t", &repo(), &["https://h/?token=abcdzzzz9999"])
        );
        let site = Scope::Site {
            url: "https://deploy:hunter2@example.com".into(),
        };
        assert!(!finding_id("t", &site, &["1"]).contains("hunter2"));
    }

    #[test]
    fn long_identities_stay_within_512() {
        let long = "x".repeat(5000);
        let scope = Scope::Image {
            repository: "é".repeat(3000),
        };
        let id = finding_id(&long, &scope, &[&long, &long]);
        assert!(id.len() <= 512, "{}", id.len());
        let g = generator_id(&long, &scope);
        assert!(g.len() <= 512);
        assert_ne!(
            generator_id(&long, &scope),
            generator_id(&format!("{long}y"), &scope)
        );
    }
}
