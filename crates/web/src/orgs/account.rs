use crate::error::{AppError, PageResult};
use crate::http::auth::{ConsoleUser, random_hex, sha256_hex};
use crate::http::forms::CsrfForm;
use crate::http::forms::path_id;
use crate::orgs::access;
use crate::pages::{AccountPage, TokenLine, render};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_core::field::required_text;
use gongkai_core::orgs::accounts::{NewPassword, Username};
use gongkai_store::orgs::{tokens, users};
use gongkai_store::ts;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/account", get(show))
        .route("/console/account/password", post(change_password))
        .route("/console/account/tokens", post(create_token))
        .route("/console/account/tokens/{id}/revoke", post(revoke_token))
}

fn when(s: Option<&str>) -> String {
    s.and_then(ts::parse).map(gongkai_core::time::china_display).unwrap_or_else(|| "—".into())
}

async fn page(
    state: &AppState,
    user: &ConsoleUser,
    new_token: Option<String>,
    notice: Option<String>,
    errors: Vec<String>,
) -> PageResult<AccountPage> {
    let list = tokens::list(&state.db, user.principal.user_id).await?;
    Ok(AccountPage {
        title: "我的账户",
        nav: user.nav(state),
        tokens: list
            .into_iter()
            .map(|t| TokenLine {
                id: t.id,
                created: when(Some(&t.created_at)),
                last_used: when(t.last_used_at.as_deref()),
                revoked: t.revoked_at.is_some(),
                name: t.name,
                prefix: t.prefix,
            })
            .collect(),
        new_token,
        notice,
        errors,
    })
}

async fn show(State(state): State<AppState>, user: ConsoleUser) -> PageResult<Response> {
    Ok(render(&page(&state, &user, None, None, vec![]).await?))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    current: String,
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    user: ConsoleUser,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> PageResult<Response> {
    let (_, hash) = users::credentials(&state.db, &user.principal.username).await?.ok_or(AppError::NotFound)?;
    let bad = |msg: String| async {
        let p = page(&state, &user, None, None, vec![msg]).await?;
        Ok::<_, AppError>((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
    };
    if !access::verify(f.current.clone(), hash).await? {
        return bad("当前密码不正确".into()).await;
    }
    let name = Username::parse(&user.principal.username).ok();
    let pw = match NewPassword::parse(&f.new_password, name.as_ref()) {
        Ok(pw) => pw,
        Err(e) => return bad(e.message).await,
    };
    let hash = access::hash(pw).await?;
    // Ends every session, this one included: the user logs in again with the new password.
    users::set_password(&state.db, &user.actor(), user.principal.user_id, &hash).await?;
    Ok(Redirect::to("/console/login").into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    user: ConsoleUser,
    CsrfForm(f): CsrfForm<TokenForm>,
) -> PageResult<Response> {
    let name = required_text("name", "令牌名称", &f.name, 64)?;
    let secret = format!("gk_{}", random_hex(20));
    let prefix: String = secret.chars().take(10).collect();
    tokens::create(&state.db, &user.actor(), user.principal.user_id, &name, &sha256_hex(&secret), &prefix, None)
        .await?;
    Ok(render(&page(&state, &user, Some(secret), None, vec![]).await?))
}

async fn revoke_token(
    State(state): State<AppState>,
    user: ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<crate::http::forms::Empty>,
) -> PageResult<Response> {
    // Scoped to the caller's own tokens: another user's token id is "not found".
    tokens::revoke(&state.db, &user.actor(), user.principal.user_id, path_id(&id)?).await?;
    Ok(Redirect::to("/console/account").into_response())
}
