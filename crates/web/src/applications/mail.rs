//! Deadline alerts by e-mail, when an SMTP server is configured
//! (`GONGKAI_SMTP_URL`, e.g. `smtp://relay.example.gov.cn:25` or
//! `smtps://user:password@mail.example.gov.cn`, and `GONGKAI_MAIL_FROM`).

use gongkai_store::Db;
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

    pub(crate) async fn send(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let msg = Message::builder().from(self.from.clone()).to(to.parse()?).subject(subject).body(body.to_string())?;
        self.transport.send(msg).await?;
        Ok(())
    }
}

/// E-mail one alert to its recipients (the job `AlertMail`). Sent, then marked: a failure
/// leaves it to the job's retries, so an alert is never lost to a passing SMTP fault.
/// Returns how many messages were sent (0 when it had been sent already).
pub async fn send_alert(db: &Db, mailer: &Mailer, alert_id: i64) -> anyhow::Result<usize> {
    let Some(a) = gongkai_store::applications::alert_mail(db, alert_id).await? else {
        return Ok(0);
    };
    for to in &a.recipients {
        mailer
            .send(
                to,
                "【政府信息公开】申请答复期限提醒",
                &format!("{}\n\n（本邮件由政府信息公开平台自动发送）", a.message),
            )
            .await
            .map_err(|e| anyhow::anyhow!("to {to}: {e}"))?;
    }
    gongkai_store::applications::mark_emailed(db, alert_id).await?;
    Ok(a.recipients.len())
}
