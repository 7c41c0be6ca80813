//! Clients for the real services, configured from the environment.
//!
//! Credentials and region come from the usual environment (`AWS_REGION`,
//! `AWS_ACCESS_KEY_ID`, … in Lambda), endpoints may be overridden with `AWS_ENDPOINT_URL`
//! (then S3 uses path-style addressing, as local emulators such as moto need). HTTPS uses
//! rustls with the `ring` provider.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, SdkConfig};
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};

/// Loads the shared configuration from the environment: region, credentials, endpoint, with
/// [`loader`]'s HTTP client and timeouts.
pub async fn load_config() -> SdkConfig {
    loader().load().await
}

/// A configuration loader with the HTTP client (rustls, ring) and timeouts set; the rest comes
/// from the environment unless set on the loader (tests set endpoint, region and credentials).
pub fn loader() -> ConfigLoader {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(Duration::from_secs(30))
                .build(),
        )
}

/// S3 with the SDK's standard retries (3 attempts); path-style when an endpoint is overridden.
pub fn s3_client(cfg: &SdkConfig) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(cfg)
        .force_path_style(cfg.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// Security Hub without the SDK's retries: [`crate::import`] retries with its own rate limit.
pub fn securityhub_client(cfg: &SdkConfig) -> aws_sdk_securityhub::Client {
    let conf = aws_sdk_securityhub::config::Builder::from(cfg)
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_securityhub::Client::from_conf(conf)
}

pub fn sts_client(cfg: &SdkConfig) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::new(cfg)
}
