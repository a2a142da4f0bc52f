//! Where uploaded files (catalog attachments, task evidence) keep their bytes: a local
//! folder, or an S3-compatible bucket (Amazon S3, MinIO, Aliyun OSS, Tencent COS …) when
//! the server is told to. Files are addressed by their SHA-256, so one file uploaded twice is
//! kept once, and a file is deleted only when no row refers to it any more. Without a store
//! (tests, `sqlite::memory:`) the bytes stay in the database row, as rows written before
//! stores existed do; a row says which (`stored` = `db` or `files`).

use crate::{Result, StoreError};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Uploaded files' bytes, by content hash.
#[derive(Clone)]
pub struct FileStore {
    inner: Arc<dyn ObjectStore>,
    prefix: String,
    /// Where, for messages and the health page (`folder /var/lib/gongkai/files`, `s3://bucket/prefix`).
    label: String,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

fn files_err(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Files(format!("{what}: {e}"))
}

/// The hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

impl FileStore {
    /// `s3://bucket[/prefix]` (credentials, region and endpoint from the usual AWS_*
    /// variables: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT,
    /// AWS_ALLOW_HTTP for a plain-HTTP endpoint on a private network), else a folder.
    pub fn open(spec: &str) -> Result<Self> {
        if let Some(rest) = spec.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            return Self::s3(bucket, prefix);
        }
        Self::folder(std::path::Path::new(spec.strip_prefix("file://").unwrap_or(spec)))
    }

    /// A folder on this machine (created if missing).
    pub fn folder(dir: &std::path::Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| files_err(&format!("cannot create {}", dir.display()), e))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| files_err(&format!("cannot use the folder {}", dir.display()), e))?;
        Ok(Self { inner: Arc::new(store), prefix: String::new(), label: format!("folder {}", dir.display()) })
    }

    #[cfg(feature = "s3")]
    fn s3(bucket: &str, prefix: &str) -> Result<Self> {
        if bucket.is_empty() {
            return Err(StoreError::Config("an S3 file store needs a bucket: s3://BUCKET[/PREFIX]".into()));
        }
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_http_connector(s3_http::Hyper)
            .build()
            .map_err(|e| files_err(&format!("cannot use the bucket {bucket}"), e))?;
        let prefix = prefix.trim_matches('/').to_string();
        let label = if prefix.is_empty() { format!("s3://{bucket}") } else { format!("s3://{bucket}/{prefix}") };
        Ok(Self { inner: Arc::new(store), prefix, label })
    }

    #[cfg(not(feature = "s3"))]
    fn s3(_bucket: &str, _prefix: &str) -> Result<Self> {
        Err(StoreError::Config("this build has no S3 support (build with the `s3` feature)".into()))
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    fn key(&self, sha: &str) -> Result<ObjectPath> {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Err(StoreError::Corrupt(format!("not a SHA-256 file name: {sha:?}")));
        }
        let rel = format!("sha256/{}/{sha}", &sha[..2]);
        Ok(if self.prefix.is_empty() {
            ObjectPath::from(rel)
        } else {
            ObjectPath::from(format!("{}/{rel}", self.prefix))
        })
    }

    /// Keep `data` under its hash (a no-op when the same bytes are there already).
    pub async fn put(&self, data: &[u8]) -> Result<String> {
        let sha = sha256_hex(data);
        let key = self.key(&sha)?;
        if self.inner.head(&key).await.is_ok() {
            return Ok(sha);
        }
        self.inner
            .put(&key, PutPayload::from(data.to_vec()))
            .await
            .map_err(|e| files_err(&format!("cannot store a file in {}", self.label), e))?;
        Ok(sha)
    }

    /// The bytes kept under `sha`, checked against it.
    pub async fn get(&self, sha: &str) -> Result<Vec<u8>> {
        let key = self.key(sha)?;
        let got = match self.inner.get(&key).await {
            Ok(g) => g,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(StoreError::Corrupt(format!("the file {sha} is missing from {}", self.label)));
            }
            Err(e) => return Err(files_err(&format!("cannot read a file from {}", self.label), e)),
        };
        let bytes = got.bytes().await.map_err(|e| files_err(&format!("cannot read a file from {}", self.label), e))?;
        if sha256_hex(&bytes) != sha {
            return Err(StoreError::Corrupt(format!("the file {sha} in {} does not match its hash", self.label)));
        }
        Ok(bytes.to_vec())
    }

    /// Whether a file is kept under `sha`.
    pub async fn has(&self, sha: &str) -> Result<bool> {
        match self.inner.head(&self.key(sha)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(files_err(&format!("cannot reach {}", self.label), e)),
        }
    }

    /// Remove the file under `sha` (gone already is fine).
    pub async fn delete(&self, sha: &str) -> Result<()> {
        match self.inner.delete(&self.key(sha)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(files_err(&format!("cannot delete a file from {}", self.label), e)),
        }
    }
}

/// The HTTP client object_store's S3 client talks through: hyper with rustls on ring.
#[cfg(feature = "s3")]
mod s3_http {
    use http_body_util::BodyExt;
    use hyper_util::client::legacy::Client;
    use hyper_util::client::legacy::connect::HttpConnector as Plain;
    use hyper_util::rt::TokioExecutor;
    use object_store::client::{
        ClientOptions, HttpClient, HttpConnector, HttpError, HttpErrorKind, HttpRequest, HttpRequestBody, HttpResponse,
        HttpResponseBody, HttpService,
    };

    #[derive(Debug, Default)]
    pub struct Hyper;

    #[derive(Debug)]
    struct Service(Client<hyper_rustls::HttpsConnector<Plain>, HttpRequestBody>);

    impl HttpConnector for Hyper {
        fn connect(&self, _options: &ClientOptions) -> object_store::Result<HttpClient> {
            let https = hyper_rustls::HttpsConnectorBuilder::new()
                .with_native_roots()
                .map_err(|e| object_store::Error::Generic { store: "S3", source: Box::new(e) })?
                .https_or_http()
                .enable_http1()
                .build();
            Ok(HttpClient::new(Service(Client::builder(TokioExecutor::new()).build(https))))
        }
    }

    #[async_trait::async_trait]
    impl HttpService for Service {
        async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
            let resp = self.0.request(req).await.map_err(|e| {
                let kind = if e.is_connect() { HttpErrorKind::Connect } else { HttpErrorKind::Request };
                HttpError::new(kind, e)
            })?;
            Ok(resp.map(|b| HttpResponseBody::new(b.map_err(|e| HttpError::new(HttpErrorKind::Decode, e)))))
        }
    }
}

/// The bytes of a row that is either `db` (bytes in `data`) or `files` (bytes in the store).
pub async fn read(db: &crate::Db, stored: &str, sha: &str, data: Vec<u8>) -> Result<Vec<u8>> {
    match stored {
        "db" => Ok(data),
        "files" => match db.files() {
            Some(f) => f.get(sha).await,
            None => Err(StoreError::Config(
                "this file is kept in the file store, but the server was started without one (--files)".into(),
            )),
        },
        other => Err(StoreError::Corrupt(format!("unknown file location {other:?}"))),
    }
}

/// Where a new upload goes: into the store (`files`, with empty `data` in the row) when
/// there is one, else into the row (`db`). The store write comes first, so a row never
/// refers to a file that is not there.
pub async fn write(db: &crate::Db, sha: &str, data: &[u8]) -> Result<(&'static str, Vec<u8>)> {
    match db.files() {
        Some(f) => {
            if f.put(data).await? != sha {
                return Err(StoreError::Corrupt(format!("the file's hash is not {sha}")));
            }
            Ok(("files", Vec::new()))
        }
        None => Ok(("db", data.to_vec())),
    }
}

/// After rows were deleted: remove the stored file of `sha` unless a row still refers to it.
pub async fn release(db: &crate::Db, sha: &str) -> Result<()> {
    let Some(f) = db.files() else { return Ok(()) };
    let refs: i64 = sqlx::query_scalar::<sqlx::Any, i64>(
        "SELECT (SELECT COUNT(*) FROM catalog_attachments WHERE sha256 = $1 AND stored = 'files')
              + (SELECT COUNT(*) FROM task_evidence WHERE sha256 = $1 AND stored = 'files')",
    )
    .bind(sha)
    .fetch_one(db.pool())
    .await?;
    if refs == 0 { f.delete(sha).await } else { Ok(()) }
}

/// How many rows keep their bytes in the file store.
pub async fn rows_in_store(db: &crate::Db) -> Result<i64> {
    Ok(sqlx::query_scalar::<sqlx::Any, i64>(
        "SELECT (SELECT COUNT(*) FROM catalog_attachments WHERE stored = 'files')
              + (SELECT COUNT(*) FROM task_evidence WHERE stored = 'files')",
    )
    .fetch_one(db.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_folder_keeps_files_by_hash_and_refuses_damaged_ones() {
        let dir = tempfile_dir();
        let f = FileStore::folder(&dir).unwrap();
        let sha = f.put("低保名单".as_bytes()).await.unwrap();
        assert_eq!(sha, sha256_hex("低保名单".as_bytes()));
        assert_eq!(f.put("低保名单".as_bytes()).await.unwrap(), sha, "the same bytes, the same file");
        assert_eq!(f.get(&sha).await.unwrap(), "低保名单".as_bytes());
        let path = dir.join("sha256").join(&sha[..2]).join(&sha);
        assert!(path.exists(), "{}", path.display());
        std::fs::write(&path, b"tampered").unwrap();
        assert!(matches!(f.get(&sha).await, Err(StoreError::Corrupt(_))));
        f.delete(&sha).await.unwrap();
        assert!(!f.has(&sha).await.unwrap());
        f.delete(&sha).await.unwrap();
        assert!(matches!(f.get("../../etc/passwd").await, Err(StoreError::Corrupt(_))));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).unwrap();
        std::env::temp_dir().join(format!("gongkai-files-{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>()))
    }
}
