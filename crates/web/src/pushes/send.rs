//! Sending one delivery (the job `PushDelivery`): e-mail through the configured SMTP
//! server, or a signed JSON post to the body's SMS/WeChat gateway.
//!
//! A delivery already sent is never sent again, whatever runs its job (a retry, a second
//! worker after a lease ran out); a failure is recorded on the delivery and returned, so
//! the job table retries it with back-off. Each gateway post carries an `Idempotency-Key`
//! so that a gateway can drop the duplicate in the one case left: the post arrived but the
//! worker died before recording it.

use crate::applications::mail::Mailer;
use anyhow::{Context, anyhow};
use bytes::Bytes;
use gongkai_core::ids::DeliveryId;
use gongkai_core::pushes::{Channel, compose, compose_short, needs_sending};
use gongkai_store::{Db, StoreError, pushes as store};
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sha2::Sha256;
use std::time::Duration;

/// How long a gateway may take to answer.
const GATEWAY_TIMEOUT: Duration = Duration::from_secs(15);

/// An HTTP(S) client for gateways (rustls with the system's roots, so an agency's private
/// CA works). A machine without readable roots still starts: posting then fails with the
/// reason, on the delivery, where staff see it.
#[derive(Clone)]
pub struct Webhooks {
    client: Result<Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>, String>,
}

impl Default for Webhooks {
    fn default() -> Self {
        Self::new()
    }
}

impl Webhooks {
    pub fn new() -> Self {
        let client = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map(|b| Client::builder(TokioExecutor::new()).build(b.https_or_http().enable_http1().build()))
            .map_err(|e| {
                tracing::warn!(error = %e, "no system certificate roots: push gateways cannot be reached");
                format!("无法读取系统根证书（{e}），不能连接网关")
            });
        Self { client }
    }

    async fn post(&self, url: &str, secret: &str, key: &str, body: Vec<u8>) -> anyhow::Result<()> {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|e| anyhow!("{e}"))?;
        mac.update(&body);
        let sig: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        let req = hyper::Request::post(url)
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .header("x-gongkai-signature", format!("sha256={sig}"))
            .header("user-agent", "gongkai-push/1")
            .body(Full::new(Bytes::from(body)))
            .context("building the gateway request")?;
        let client = self.client.as_ref().map_err(|why| anyhow!("{why}"))?;
        let resp = tokio::time::timeout(GATEWAY_TIMEOUT, client.request(req))
            .await
            .map_err(|_| anyhow!("网关在 {} 秒内未应答", GATEWAY_TIMEOUT.as_secs()))?
            .map_err(|e| anyhow!("无法连接网关：{e}"))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let text = resp.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        let snippet: String = String::from_utf8_lossy(&text).chars().take(200).collect();
        Err(anyhow!(
            "网关返回 HTTP {}{}",
            status.as_u16(),
            if snippet.is_empty() { String::new() } else { format!("：{snippet}") }
        ))
    }
}

/// Send delivery `id` once. `Ok` when it is sent (now or before) or needs no sending;
/// `Err` when this attempt failed (recorded on the delivery).
pub async fn deliver(db: &Db, mailer: Option<&Mailer>, hooks: &Webhooks, id: DeliveryId) -> anyhow::Result<()> {
    let d = match store::delivery(db, id).await {
        Ok(d) => d,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let r = store::recipient(db, d.recipient_id).await?;
    match needs_sending(d.status, r.withdrawn_at.is_none()) {
        Ok(false) => return Ok(()),
        Err(_) => {
            store::mark_withdrawn(db, id).await?;
            return Ok(());
        }
        Ok(true) => {}
    }
    let c = store::campaign(db, d.campaign_id).await?;
    let org = gongkai_store::orgs::get(db, c.org_id).await?;
    let base = c.base_url.clone().unwrap_or_default();
    let docs = super::linked_docs(db, &c).await?;
    let manage = format!("{base}/push/{}", r.token);
    let sent = match d.channel {
        Channel::Email => {
            let m = mailer.ok_or_else(|| anyhow!("未配置发信服务器（GONGKAI_SMTP_URL），无法发送电子邮件"))?;
            let to = r.contact.email.as_deref().ok_or_else(|| anyhow!("推送对象没有电子邮箱"))?;
            let msg = compose(&org.name, &c.facts.title, &c.facts.message, &r.name, &docs, &manage);
            m.send(to, &msg.subject, &msg.text).await.map_err(|e| anyhow!("发送邮件失败：{e}"))
        }
        Channel::Webhook => match store::gateway(db, c.org_id).await? {
            None => Err(anyhow!("本机关未配置短信/微信网关")),
            Some(g) => {
                let phone = r.contact.phone.as_deref().ok_or_else(|| anyhow!("推送对象没有手机号码"))?;
                let body = serde_json::json!({
                    "delivery_id": d.id.0,
                    "campaign_id": c.id.0,
                    "organisation": org.name,
                    "phone": phone,
                    "name": r.name,
                    "text": compose_short(&org.name, &c.facts.title, &docs, &manage),
                    "documents": docs.iter().map(|x| serde_json::json!({"title": x.title, "url": x.url})).collect::<Vec<_>>(),
                    "unsubscribe_url": manage,
                });
                hooks.post(&g.url, &g.secret, &format!("gongkai-push-{}", d.id.0), serde_json::to_vec(&body)?).await
            }
        },
        // Delivered when written (inbox) or when handed out (printed list).
        Channel::Site | Channel::Print => return Ok(()),
    };
    match sent {
        Ok(()) => {
            store::mark_sent(db, id).await?;
            Ok(())
        }
        Err(e) => {
            store::mark_failed(db, id, &format!("{e:#}")).await?;
            Err(e)
        }
    }
}
