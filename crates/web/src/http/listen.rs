//! The accept loop: hyper with a header-read timeout, a cap on open connections in all
//! and per client address, and graceful shutdown. `axum::serve` has none of the limits,
//! and a few thousand half-sent requests from one client exhausted the file descriptors.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Connection limits (see `WebConfig`).
#[derive(Debug, Clone)]
pub struct ConnLimits {
    /// A request's headers must arrive within this time, or the connection is closed.
    pub header_timeout: Duration,
    /// Open connections in all; further ones wait in the kernel's backlog.
    pub max_connections: usize,
    /// Open connections from one address (trusted proxies exempt): further ones are
    /// closed at once, so one client cannot take every slot.
    pub max_per_ip: usize,
    /// Addresses exempt from the per-address cap (the reverse proxies).
    pub exempt: Vec<IpAddr>,
}

impl Default for ConnLimits {
    fn default() -> Self {
        Self { header_timeout: Duration::from_secs(10), max_connections: 4096, max_per_ip: 64, exempt: Vec::new() }
    }
}

/// Open connections per address; a guard gives its slot back when dropped.
#[derive(Default, Clone)]
struct PerIp(Arc<Mutex<HashMap<IpAddr, usize>>>);

struct Slot(PerIp, IpAddr);

impl PerIp {
    fn take(&self, ip: IpAddr, max: usize) -> Option<Slot> {
        let mut m = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let n = m.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Slot(self.clone(), ip))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut m = self.0.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = m.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.1);
            }
        }
    }
}

/// Serve `app` on `listener` until `shutdown` completes, then let open requests finish
/// (at most 10 s).
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(Duration::from_secs(30)));
    let builder = Arc::new(builder);
    let total = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_ip = PerIp::default();
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        // Wait for a free slot before accepting: excess connections queue in the backlog
        // instead of being opened and starved.
        let permit = tokio::select! {
            p = total.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let slot = if limits.exempt.contains(&peer.ip()) {
            None
        } else {
            match per_ip.take(peer.ip(), limits.max_per_ip) {
                Some(s) => Some(s),
                None => {
                    drop(stream);
                    continue;
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let svc = app.clone().map_request(move |req: hyper::Request<hyper::body::Incoming>| {
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            req
        });
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(svc));
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            let _ = conn.await;
            drop((permit, slot));
        });
    }
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => tracing::warn!("open connections cut after 10 s"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_address_slots_are_counted_and_given_back() {
        let p = PerIp::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let a = p.take(ip, 2).unwrap();
        let _b = p.take(ip, 2).unwrap();
        assert!(p.take(ip, 2).is_none());
        assert!(p.take("10.0.0.2".parse().unwrap(), 2).is_some());
        drop(a);
        assert!(p.take(ip, 2).is_some());
    }
}
