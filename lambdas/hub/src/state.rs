//! Where the finding lifecycle keeps the state of each scope: one S3 object per scope
//! (GeneratorId), written with conditional requests.
//!
//! # Keys
//!
//! `state/{generator id, sanitised}/{SHA-256 of the generator id, hex}.json` ([`state_key`]):
//! the readable part is sanitised like the archive's repository part
//! ([`crate::archive::sanitize_repository`]: `/` levels kept, other characters than ASCII
//! letters, digits, `-`, `_`, `.` become `_`, capped at 200 bytes), so a person can find a
//! scope's state; the hash makes the key unique to the exact generator id.
//!
//! # Conditional writes
//!
//! [`StateStore::save`] writes only if the object is still the one that was loaded:
//! `If-Match: <ETag>` when it was loaded, `If-None-Match: *` when there was none. S3 answers
//! `412 PreconditionFailed` when another writer came first (and `409
//! ConditionalRequestConflict` when two conditional writes race); both are
//! [`Saved::Conflict`], and so is `404 NoSuchKey` for an `If-Match` on an object deleted
//! meanwhile. The caller then reloads and reconciles again ([`crate::lifecycle`]).
//!
//! # Reading a missing object
//!
//! Without `s3:ListBucket`, S3 answers `403 AccessDenied` rather than `404 NoSuchKey` for an
//! object that does not exist, and the same 403 when the object exists but may not be read
//! (no `s3:GetObject`, or no `kms:Decrypt` on its key). The two cannot be told apart, and taking
//! a 403 as "no state yet" would import every finding of the scope as new (first-seen times
//! reset) before the conditional write noticed. So the function is granted `s3:ListBucket` on
//! the `state/` prefix (template.yaml), a missing state is a 404, and [`S3StateStore::load`]
//! takes a 403 as [`StateError::Denied`]: the lifecycle stops before anything is imported.

//! # Encryption
//!
//! Like the archive: SSE-KMS with the configured key, else SSE-S3.

use std::future::Future;

use asff_core::lifecycle::ScopeState;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;

use crate::archive::sanitize_repository;
use crate::error::{error_chain, AwsError, Retry};

/// The key of a scope's state object; see the [module documentation](self).
pub fn state_key(generator_id: &str) -> String {
    format!(
        "state/{}/{}.json",
        sanitize_repository(Some(generator_id)),
        asff_core::id::sha256_hex(generator_id)
    )
}

/// A state as loaded, with the version (ETag) to write against.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub state: ScopeState,
    pub etag: String,
}

/// What a save must find to go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// The object is still this version (`If-Match`).
    IfMatch(String),
    /// There is no object yet (`If-None-Match: *`).
    IfNoneMatch,
}

impl Precondition {
    /// The precondition for writing over what was loaded.
    pub fn after(loaded: Option<&Loaded>) -> Self {
        match loaded {
            Some(l) => Precondition::IfMatch(l.etag.clone()),
            None => Precondition::IfNoneMatch,
        }
    }
}

/// The outcome of a conditional save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// Written; the new ETag.
    Written(String),
    /// The precondition did not hold: another writer came first.
    Conflict,
}

/// A state that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// The call failed.
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// S3 refused to read the object (403): it may exist, so nothing may be imported as new.
    #[error("reading the state object {key} was refused ({code}): check s3:GetObject and s3:ListBucket on state/ (and kms:Decrypt on the key)")]
    Denied { key: String, code: String },
    /// The object is there but is not a state of this scope.
    #[error("the state object {key} cannot be used: {message}")]
    Unreadable { key: String, message: String },
}

/// Where the states of the scopes are kept.
pub trait StateStore: Send + Sync {
    /// The state of a scope and its version; `None` when there is none yet.
    fn load(
        &self,
        generator_id: &str,
    ) -> impl Future<Output = Result<Option<Loaded>, StateError>> + Send;

    /// Writes a scope's state if `precondition` holds.
    fn save(
        &self,
        state: &ScopeState,
        precondition: &Precondition,
    ) -> impl Future<Output = Result<Saved, AwsError>> + Send;

    /// Where a scope's state is, for messages (`s3://bucket/state/…`).
    fn location(&self, generator_id: &str) -> String;
}

impl<T: StateStore> StateStore for &T {
    fn load(
        &self,
        generator_id: &str,
    ) -> impl Future<Output = Result<Option<Loaded>, StateError>> + Send {
        (**self).load(generator_id)
    }

    fn save(
        &self,
        state: &ScopeState,
        precondition: &Precondition,
    ) -> impl Future<Output = Result<Saved, AwsError>> + Send {
        (**self).save(state, precondition)
    }

    fn location(&self, generator_id: &str) -> String {
        (**self).location(generator_id)
    }
}

impl<T: StateStore> StateStore for std::sync::Arc<T> {
    fn load(
        &self,
        generator_id: &str,
    ) -> impl Future<Output = Result<Option<Loaded>, StateError>> + Send {
        (**self).load(generator_id)
    }

    fn save(
        &self,
        state: &ScopeState,
        precondition: &Precondition,
    ) -> impl Future<Output = Result<Saved, AwsError>> + Send {
        (**self).save(state, precondition)
    }

    fn location(&self, generator_id: &str) -> String {
        (**self).location(generator_id)
    }
}

/// Parses a state object's body and checks that it belongs to `generator_id`.
pub fn parse_state(key: &str, generator_id: &str, body: &[u8]) -> Result<ScopeState, StateError> {
    let state: ScopeState = serde_json::from_slice(body).map_err(|e| StateError::Unreadable {
        key: key.to_string(),
        message: format!("not a scope state: {e}"),
    })?;
    if state.generator_id != generator_id {
        return Err(StateError::Unreadable {
            key: key.to_string(),
            message: format!(
                "it is the state of {:?}, not of {generator_id:?}",
                state.generator_id
            ),
        });
    }
    if state.version != asff_core::lifecycle::STATE_VERSION {
        return Err(StateError::Unreadable {
            key: key.to_string(),
            message: format!(
                "state version {}, this function reads version {}",
                state.version,
                asff_core::lifecycle::STATE_VERSION
            ),
        });
    }
    Ok(state)
}

/// The states in an S3 bucket, under `state/`.
#[derive(Debug, Clone)]
pub struct S3StateStore {
    client: aws_sdk_s3::Client,
    bucket: String,
    kms_key_id: Option<String>,
}

impl S3StateStore {
    /// SSE-KMS with `kms_key_id` when given (and not blank), else SSE-S3.
    pub fn new(
        client: aws_sdk_s3::Client,
        bucket: impl Into<String>,
        kms_key_id: Option<String>,
    ) -> Self {
        S3StateStore {
            client,
            bucket: bucket.into(),
            kms_key_id: kms_key_id.filter(|k| !k.trim().is_empty()),
        }
    }
}

const GET: &str = "S3.GetObject";
const PUT: &str = "S3.PutObject";

impl StateStore for S3StateStore {
    async fn load(&self, generator_id: &str) -> Result<Option<Loaded>, StateError> {
        let key = state_key(generator_id);
        let out = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                let code = e.code().unwrap_or_default().to_string();
                if code == "NoSuchKey" || status == Some(404) {
                    tracing::debug!(state = %key, code, "no state object yet");
                    return Ok(None);
                }
                if status == Some(403) {
                    // present but not readable, or absent without s3:ListBucket: ambiguous
                    return Err(StateError::Denied {
                        key: format!("s3://{}/{key}", self.bucket),
                        code,
                    });
                }
                return Err(AwsError::from_sdk(GET, e).into());
            }
        };
        let etag = out.e_tag().map(str::to_string).ok_or_else(|| {
            AwsError::new(
                Retry::Transient,
                GET,
                "NoETag",
                format!("s3://{}/{key} came without an ETag", self.bucket),
            )
        })?;
        let body = out.body.collect().await.map_err(|e| {
            AwsError::new(
                Retry::Transient,
                GET,
                "ResponseError",
                format!(
                    "reading the body of s3://{}/{key}: {}",
                    self.bucket,
                    error_chain(&e)
                ),
            )
        })?;
        let state = parse_state(
            &format!("s3://{}/{key}", self.bucket),
            generator_id,
            &body.into_bytes(),
        )?;
        Ok(Some(Loaded { state, etag }))
    }

    async fn save(
        &self,
        state: &ScopeState,
        precondition: &Precondition,
    ) -> Result<Saved, AwsError> {
        let key = state_key(&state.generator_id);
        let body = serde_json::to_vec(state).map_err(|e| {
            AwsError::new(Retry::Permanent, PUT, "SerializationError", e.to_string())
        })?;
        let mut req = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .content_type("application/json")
            .body(ByteStream::from(body));
        req = match precondition {
            Precondition::IfMatch(etag) => req.if_match(etag),
            Precondition::IfNoneMatch => req.if_none_match("*"),
        };
        req = match &self.kms_key_id {
            Some(kms) => req
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .ssekms_key_id(kms),
            None => req.server_side_encryption(ServerSideEncryption::Aes256),
        };
        match req.send().await {
            Ok(out) => Ok(Saved::Written(out.e_tag().unwrap_or_default().to_string())),
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                let code = e.code().unwrap_or_default().to_string();
                let conflict = matches!(status, Some(412) | Some(409))
                    || code == "PreconditionFailed"
                    || code == "ConditionalRequestConflict"
                    // If-Match on an object deleted meanwhile
                    || (matches!(precondition, Precondition::IfMatch(_))
                        && (code == "NoSuchKey" || status == Some(404)));
                if conflict {
                    tracing::info!(state = %key, code, "state changed meanwhile (conditional write refused)");
                    Ok(Saved::Conflict)
                } else {
                    Err(AwsError::from_sdk(PUT, e))
                }
            }
        }
    }

    fn location(&self, generator_id: &str) -> String {
        format!("s3://{}/{}", self.bucket, state_key(generator_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_readable_and_unique() {
        let g = "dependency-check/github.com/example/app@main";
        let k = state_key(g);
        assert_eq!(
            k,
            format!(
                "state/dependency-check/github.com/example/app_main/{}.json",
                asff_core::id::sha256_hex(g)
            )
        );
        // sanitising alone would make these the same
        assert_ne!(state_key("t/a@b"), state_key("t/a_b"));
        let long = format!("grype/{}", "registry.example.com/x/".repeat(40));
        let k = state_key(&long);
        assert!(k.len() < 300 && k.is_ascii(), "{k}");
        assert!(!k.contains("//"), "{k}");
    }

    #[test]
    fn a_state_of_another_scope_or_version_is_refused() {
        let s = ScopeState::new("t/a@main");
        let body = serde_json::to_vec(&s).unwrap();
        assert_eq!(parse_state("k", "t/a@main", &body).unwrap(), s);
        assert!(matches!(
            parse_state("k", "t/a@dev", &body),
            Err(StateError::Unreadable { .. })
        ));
        let mut v = s.clone();
        v.version = 99;
        let e = parse_state("k", "t/a@main", &serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert!(e.to_string().contains("version 99"), "{e}");
        assert!(matches!(
            parse_state("k", "t/a@main", b"{\"nope\":1}"),
            Err(StateError::Unreadable { .. })
        ));
    }
}
