//! A scanned container image: the scope of an image scanner's findings (its repository, whatever
//! the tag or digest, so a rebuilt image with the same flaw updates the same finding) and their
//! resource (a `Container` with the digest and tags in the details).

use crate::context::{image_digest, image_repository, image_tag, Context, Scope};
use crate::model::{ContainerDetails, FieldMap, Resource, ResourceDetails};

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
