//! The `import-findings` Lambda function (see the library crate).

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    import_findings::run().await
}
