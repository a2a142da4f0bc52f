//! Deadline alerts by e-mail, when an SMTP server is configured
//! (`GONGKAI_SMTP_URL`, e.g. `smtp://relay.example.gov.cn:25` or
//! `smtps://user:password@mail.example.gov.cn`, and `GONGKAI_MAIL_FROM`).

use gongkai_store::Db;
use gongkai_store::applications::claim_alert_mail;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `None` when no SMTP URL is configured.
    pub fn from_env() -> anyhow::Result<Option<Self>> {
        match std::env::var("GONGKAI_SMTP_URL") {
            Ok(url) if !url.trim().is_empty() => {
                let from = std::env::var("GONGKAI_MAIL_FROM").unwrap_or_else(|_| "gongkai@localhost".into());
                Self::new(&url, &from).map(Some)
            }
            _ => Ok(None),
        }
    }

    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("invalid GONGKAI_SMTP_URL: {e}"))?
            .build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("invalid GONGKAI_MAIL_FROM '{from}': {e}"))?;
        Ok(Self { transport, from })
    }

    async fn send(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let msg = Message::builder().from(self.from.clone()).to(to.parse()?).subject(subject).body(body.to_string())?;
        self.transport.send(msg).await?;
        Ok(())
    }
}

/// E-mail the alerts of the last two days that have not been e-mailed yet. Each alert is
/// claimed before it is sent, so no alert is ever e-mailed twice (also across restarts
/// and instances). Returns how many messages were sent.
pub async fn send_alerts(db: &Db, mailer: &Mailer) -> anyhow::Result<usize> {
    let since = gongkai_store::ts::fmt(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(48));
    let mut sent = 0;
    for a in claim_alert_mail(db, &since, 200).await? {
        for to in &a.recipients {
            match mailer
                .send(
                    to,
                    "【政府信息公开】申请答复期限提醒",
                    &format!("{}\n\n（本邮件由政府信息公开平台自动发送）", a.message),
                )
                .await
            {
                Ok(()) => sent += 1,
                Err(e) => tracing::warn!(alert = a.alert_id, to = %to, error = %e, "alert e-mail failed"),
            }
        }
    }
    Ok(sent)
}
