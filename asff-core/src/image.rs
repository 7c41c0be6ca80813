//! A scanned container image: the scope of an image scanner's findings (its repository, whatever
//! the tag or digest, so a rebuilt image with the same flaw updates the same finding) and their
//! resource (a `Container` with the digest and tags in the details, or an
//! `AwsEcrContainerImage` for an image of an ECR registry).
//!
//! ```
//! use asff_core::image::{reference_in_input, Image};
//!
//! assert_eq!(reference_in_input("docker:alpine:3.18"), Some("alpine:3.18"));
//! assert_eq!(reference_in_input("images/app.tar.gz"), None);
//! let i = Image::from_reference("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2", Some("sha256:ab"));
//! let ctx = asff_core::Context::new("123456789012", "us-east-1")?;
//! let r = i.ecr_resource(&ctx, Default::default()).unwrap();
//! assert_eq!(r.kind, "AwsEcrContainerImage");
//! assert_eq!(r.id, "arn:aws:ecr:eu-west-1:123456789012:repository/team/app/sha256:ab");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::context::{image_digest, image_repository, image_tag, Context, Scope};
use crate::model::{
    AwsEcrContainerImageDetails, ContainerDetails, FieldMap, Resource, ResourceDetails,
};

/// Source schemes scanners accept for images from a daemon or registry (Grype's
/// `docker:alpine`).
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

/// The image reference in what a scanner was asked to scan (Grype's `userInput`, Trivy's
/// `ArtifactName`), without a source scheme; `None` when the input names an archive or a path
/// (`./img.tar`, `/tmp/x`, `images/app.tar.gz`, `docker-archive:…`).
pub fn reference_in_input(input: &str) -> Option<&str> {
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

/// An image of an Amazon ECR registry, read from its repository
/// `{registry}.dkr.ecr.{region}.{domain}/{repository}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrImage {
    /// The registry id (the account).
    pub registry: String,
    pub region: String,
    /// The repository name within the registry.
    pub repository: String,
}

impl EcrImage {
    /// The ECR registry and repository of an image reference (tag and digest ignored); `None`
    /// for an image of another registry.
    pub fn parse(reference: &str) -> Option<EcrImage> {
        let (host, path) = reference.trim().split_once('/')?;
        let mut parts = host.splitn(4, '.');
        let registry = parts.next()?;
        let (dkr, ecr, rest) = (parts.next()?, parts.next()?, parts.next()?);
        let region = rest.split('.').next()?;
        let repository = image_repository(path);
        let ok = dkr == "dkr"
            && ecr.starts_with("ecr")
            && !registry.is_empty()
            && registry.bytes().all(|b| b.is_ascii_digit())
            && !region.is_empty()
            && !repository.is_empty();
        ok.then(|| EcrImage {
            registry: registry.to_string(),
            region: region.to_string(),
            repository,
        })
    }

    /// The image's ARN as Amazon Inspector and Security Hub write it for an
    /// `AwsEcrContainerImage`: `arn:{p}:ecr:{region}:{registry}:repository/{repo}/{digest}`; the
    /// repository's ARN when the digest is unknown.
    pub fn arn(&self, partition: &str, digest: Option<&str>) -> String {
        let repo = format!(
            "arn:{partition}:ecr:{}:{}:repository/{}",
            self.region, self.registry, self.repository
        );
        match digest {
            Some(d) => format!("{repo}/{d}"),
            None => repo,
        }
    }
}

/// What is known about the scanned image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// `registry/repository` without tag or digest; the scope of the findings. When only a
    /// digest is known, the digest.
    pub repository: String,
    /// The tag of the reference.
    pub tag: Option<String>,
    /// Every tag the image has.
    pub tags: Vec<String>,
    /// The manifest digest (`sha256:…`).
    pub digest: Option<String>,
    /// The image (config) id.
    pub image_id: Option<String>,
    /// Whether the repository is unknown and the scope was built from a digest.
    pub digest_only: bool,
}

impl Image {
    /// The image named by a reference (`registry/repo:tag@sha256:…`); `digest` (the scanned
    /// manifest) wins over a digest in the reference.
    pub fn from_reference(reference: &str, digest: Option<&str>) -> Image {
        Image {
            repository: image_repository(reference),
            tag: image_tag(reference),
            tags: Vec::new(),
            digest: digest
                .map(str::to_string)
                .or_else(|| image_digest(reference)),
            image_id: None,
            digest_only: false,
        }
    }

    /// An image known only by a digest (or not at all).
    pub fn from_digest(digest: Option<&str>) -> Image {
        Image {
            repository: digest.unwrap_or("unknown-image").to_string(),
            tag: None,
            tags: Vec::new(),
            digest: digest.map(str::to_string),
            image_id: None,
            digest_only: true,
        }
    }

    /// The scope of the findings: the image repository, whatever the tag or digest.
    pub fn scope(&self) -> Scope {
        Scope::Image {
            repository: self.repository.clone(),
        }
    }

    /// `repository:tag`, or the repository alone.
    pub fn name(&self) -> String {
        match &self.tag {
            Some(t) if !self.digest_only => format!("{}:{t}", self.repository),
            _ => self.repository.clone(),
        }
    }

    /// The full reference: `repository:tag@digest`, as far as known.
    pub fn reference(&self) -> String {
        match &self.digest {
            Some(d) if !self.digest_only => format!("{}@{d}", self.name()),
            _ => self.name(),
        }
    }

    /// The resource of the findings: a `Container` whose Id is the full image reference, with
    /// digest, image id and tags in the details.
    pub fn resource(&self, ctx: &Context, mut other: FieldMap) -> Resource {
        if !self.digest_only {
            other.insert("ImageRepository".into(), self.repository.clone());
        }
        if let Some(t) = &self.tag {
            other.insert("ImageTag".into(), t.clone());
        }
        if !self.tags.is_empty() {
            other.insert("ImageTags".into(), self.tags.join(", "));
        }
        if let Some(d) = &self.digest {
            other.insert("ImageDigest".into(), d.clone());
        }
        container_resource(
            ctx,
            self.reference(),
            // an image known only by its digest has no name
            (!self.digest_only).then(|| self.name()),
            self.image_id.clone().or_else(|| self.digest.clone()),
            other,
        )
    }

    /// For an image of an ECR registry, its `AwsEcrContainerImage` resource: the Id is the
    /// image's ARN ([`EcrImage::arn`]), the details name the registry, repository, digest and
    /// tags (`other` gets the image URI); `None` for an image of another registry.
    pub fn ecr_resource(&self, ctx: &Context, mut other: FieldMap) -> Option<Resource> {
        let ecr = EcrImage::parse(&self.repository).filter(|_| !self.digest_only)?;
        other.insert("ImageUri".into(), self.reference());
        let mut tags: Vec<String> = self.tag.iter().cloned().collect();
        for t in &self.tags {
            let t = image_tag(t).unwrap_or_else(|| t.clone());
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        Some(Resource {
            kind: "AwsEcrContainerImage".into(),
            id: ecr.arn(ctx.partition(), self.digest.as_deref()),
            partition: Some(ctx.partition().to_string()),
            region: Some(ecr.region.clone()),
            details: Some(ResourceDetails {
                other,
                aws_ecr_container_image: Some(AwsEcrContainerImageDetails {
                    registry_id: Some(ecr.registry),
                    repository_name: Some(ecr.repository),
                    image_digest: self.digest.clone(),
                    image_tags: tags,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        })
    }
}

/// A `Container` resource `id` with the image's name and id in its details.
pub fn container_resource(
    ctx: &Context,
    id: String,
    image_name: Option<String>,
    image_id: Option<String>,
    other: FieldMap,
) -> Resource {
    Resource {
        kind: "Container".into(),
        id,
        partition: Some(ctx.partition().to_string()),
        region: Some(ctx.region().to_string()),
        details: Some(ResourceDetails {
            other,
            container: Some(ContainerDetails {
                image_name,
                image_id,
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs() {
        assert_eq!(reference_in_input("alpine:3.18"), Some("alpine:3.18"));
        assert_eq!(
            reference_in_input("docker:alpine:3.18"),
            Some("alpine:3.18")
        );
        assert_eq!(
            reference_in_input("registry:ghcr.io/o/a:1"),
            Some("ghcr.io/o/a:1")
        );
        assert_eq!(
            reference_in_input("registry:5000/app:1"),
            Some("registry:5000/app:1")
        );
        assert_eq!(reference_in_input("docker-archive:/tmp/img.tar"), None);
        assert_eq!(reference_in_input("./img.tar"), None);
        assert_eq!(reference_in_input("images/alpine-310.tar.gz"), None);
        assert_eq!(reference_in_input(""), None);
    }

    #[test]
    fn ecr_images() {
        let e =
            EcrImage::parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2@sha256:ab")
                .unwrap();
        assert_eq!(e.registry, "123456789012");
        assert_eq!(e.region, "eu-west-1");
        assert_eq!(e.repository, "team/app");
        assert_eq!(
            e.arn("aws", Some("sha256:ab")),
            "arn:aws:ecr:eu-west-1:123456789012:repository/team/app/sha256:ab"
        );
        assert_eq!(
            e.arn("aws", None),
            "arn:aws:ecr:eu-west-1:123456789012:repository/team/app"
        );
        assert!(EcrImage::parse("docker.io/library/alpine:3").is_none());
        assert!(EcrImage::parse("ghcr.io/dkr/ecr").is_none());
        assert!(EcrImage::parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com").is_none());

        let ctx = Context::new("123456789012", "us-east-1").unwrap();
        let i = Image::from_reference(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2",
            Some("sha256:ab"),
        );
        let r = i.ecr_resource(&ctx, FieldMap::new()).unwrap();
        assert_eq!(r.kind, "AwsEcrContainerImage");
        assert_eq!(r.region.as_deref(), Some("eu-west-1"));
        let d = r.details.unwrap().aws_ecr_container_image.unwrap();
        assert_eq!(d.repository_name.as_deref(), Some("team/app"));
        assert_eq!(d.image_tags, vec!["1.2".to_string()]);
        assert_eq!(d.image_digest.as_deref(), Some("sha256:ab"));
        // images of other registries have none
        let i = Image::from_reference("ghcr.io/o/a:1", None);
        assert!(i.ecr_resource(&ctx, FieldMap::new()).is_none());
        assert!(Image::from_digest(Some("sha256:ab"))
            .ecr_resource(&ctx, FieldMap::new())
            .is_none());
    }

    #[test]
    fn references() {
        let i = Image::from_reference("registry.example.com:5000/team/app:1.2", Some("sha256:abc"));
        assert_eq!(i.repository, "registry.example.com:5000/team/app");
        assert_eq!(i.name(), "registry.example.com:5000/team/app:1.2");
        assert_eq!(
            i.reference(),
            "registry.example.com:5000/team/app:1.2@sha256:abc"
        );
        let i = Image::from_reference("app@sha256:def", Some("sha256:abc"));
        assert_eq!(i.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(i.reference(), "app@sha256:abc");
        let i = Image::from_reference("app@sha256:def", None);
        assert_eq!(i.reference(), "app@sha256:def");
        let i = Image::from_digest(Some("sha256:abc"));
        assert_eq!(i.reference(), "sha256:abc");
        assert_eq!(
            i.scope(),
            Scope::Image {
                repository: "sha256:abc".into()
            }
        );
    }
}
