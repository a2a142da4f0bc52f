use crate::error::{AppError, PageResult};
use crate::http::auth::ConsoleUser;
use crate::orgs::access;
use crate::pages::{AuditLine, AuditPage, render};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use gongkai_core::orgs::access::Capability;
use gongkai_store::audit;

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/audit", get(show))
}

/// System admins see every entry; organisation admins and supervisors see the entries of
/// the organisations they manage or supervise; other roles have no access.
async fn show(State(state): State<AppState>, user: ConsoleUser) -> PageResult<Response> {
    let p = &user.principal;
    let (entries, scope) = if p.system_admin {
        (audit::list(&state.db, None, 500).await?, "全部机构".to_string())
    } else {
        let (visible, tree) = access::visible_orgs(&state, p).await?;
        let orgs: Vec<_> =
            visible.iter().filter(|o| p.can(Capability::ManageOrg, o.id, &tree) || p.oversees(o.id, &tree)).collect();
        if orgs.is_empty() {
            return Err(AppError::Forbidden("只有机构管理员、政务公开主管和系统管理员可以查看操作日志".into()));
        }
        let mut all = Vec::new();
        for o in &orgs {
            all.extend(audit::list(&state.db, Some(o.id), 200).await?);
        }
        all.sort_by_key(|e| std::cmp::Reverse(e.id));
        all.truncate(500);
        let names: Vec<_> = orgs.iter().map(|o| o.name.as_str()).collect();
        (all, names.join("、"))
    };
    let lines = entries
        .into_iter()
        .map(|e| AuditLine {
            at: gongkai_store::ts::parse(&e.at).map(gongkai_core::time::china_display).unwrap_or(e.at),
            actor: e.actor,
            action: action_label(&e.action).to_string(),
            entity: entity_label(&e.entity).to_string(),
            entity_id: e.entity_id,
            changes: changes_text(&e.changes),
            request_id: e.request_id.unwrap_or_default(),
        })
        .collect();
    Ok(render(&AuditPage { title: "操作日志", nav: user.nav(&state), scope, entries: lines }))
}

/// What was done, in Chinese (the log stores stable codes).
fn action_label(code: &str) -> &str {
    if let Some(e) = gongkai_core::applications::Event::label_of_kind(code) {
        return e;
    }
    match code {
        "create" => "新建",
        "update" => "修改",
        "delete" => "删除",
        "save" => "保存",
        "submit" => "提交审核",
        "approve" => "审核通过",
        "return" => "退回修改",
        "advance" => "推进流程",
        "publish" => "发布",
        "import" => "导入",
        "attach" => "上传附件",
        "validity" => "变更有效性",
        "decide" => "登记结果",
        "load" => "加载",
        "login" => "登录",
        "login_failed" => "登录失败",
        "revoke" => "停用",
        "set_password" => "设置密码",
        "set_figure" => "填报数字",
        "reply" => "答复",
        "rate" => "登记评价",
        "meeting" => "登记会议",
        "moderate" => "审核意见",
        "adopt" => "登记采纳情况",
        "register" => "登记",
        "launch" => "审核发出",
        "withdraw" => "撤回同意",
        "printed" => "登记线下送达",
        "resend" => "重新发送",
        "link_final" => "链接最终文件",
        "adopt_catalog" => "采用目录模板",
        "report" => "报送",
        "review" => "审核报送",
        "link" => "关联标准目录事项",
        "unlink" => "取消关联标准目录事项",
        "roster" => "上传名单",
        "expire" => "公示期满撤下",
        "rectify" => "登记整改完成",
        other => other,
    }
}

/// What it was done to.
fn entity_label(code: &str) -> &str {
    match code {
        "annual_report" => "年度报告",
        "report" => "年度报告数字",
        "catalog_item" => "公开信息",
        "catalog_column" => "栏目",
        "catalog_settings" => "目录设置",
        "api_token" => "接口令牌",
        "appeal" => "复议诉讼",
        "motion" => "建议提案",
        "press_record" => "回应关切和新闻发布",
        "channel_count" => "渠道发布条数",
        "consultation" => "意见征集",
        "consultation_comment" => "征集意见",
        "application" => "依申请公开",
        "organisation" => "机构",
        "user" => "用户",
        "calendar" => "节假日安排",
        "letter_template" => "文书模板",
        "push_group" => "推送群体",
        "push_recipient" => "推送对象",
        "push_gateway" => "短信/微信网关",
        "push_campaign" => "定向推送",
        "standard_domain" => "标准目录领域",
        "standard_catalog" => "标准目录",
        "standard_item" => "标准目录事项",
        "supervision_task" => "督查任务",
        "inspection" => "检查记录",
        "village_record" => "村（居）务公开",
        "catalog" => "公开目录",
        "setting" => "系统设置",
        other => other,
    }
}

fn field_label(code: &str) -> &str {
    match code {
        "status" => "状态",
        "lines" => "行数",
        "name" => "名称",
        "version" => "版本",
        "title" => "标题",
        "role" => "角色",
        "result" => "结果",
        "org_id" => "机构",
        "kind" => "类型",
        "years" => "年份",
        "website" => "网站",
        "value" => "数值",
        "validity" => "有效性",
        "username" => "用户名",
        "user_id" => "用户",
        "system_admin" => "系统管理员",
        "summary" => "摘要",
        "slug" => "栏目标识",
        "short_code" => "简称代码",
        "serial" => "受理编号",
        "revoked_at" => "停用时间",
        "review_note" => "审核意见",
        "published_on" => "发布日期",
        "phone" => "电话",
        "parent_id" => "上级机构",
        "on" => "日期",
        "office_hours" => "办公时间",
        "note" => "说明",
        "limit_wd" => "公开时限（工作日）",
        "info_title" => "所需信息",
        "index_pattern" => "索引号规则",
        "index_no" => "索引号",
        "imported" => "导入",
        "hosted_by_id" => "托管机构",
        "formed_on" => "成文日期",
        "filed_on" => "申请日期",
        "fax" => "传真",
        "failed_logins" => "连续登录失败次数",
        "event" => "办理事项",
        "email" => "电子邮箱",
        "doc_number" => "文号",
        "display_name" => "姓名",
        "decided_on" => "决定日期",
        "credit_code" => "统一社会信用代码",
        "channel" => "申请方式",
        "change_note" => "更正说明",
        "body" => "正文",
        "attribute" => "公开属性",
        "attachment" => "附件",
        "address" => "地址",
        "active" => "启用",
        "password" => "密码",
        "column_id" => "栏目",
        "path" => "事项",
        "fulfils" => "所属标准目录事项",
        "rows" => "名单行数",
        "template" => "目录模板",
        "bodies" => "承办机构数",
        "org" => "机构",
        "year" => "年度",
        "items" => "条数",
        "from" => "来源机构",
        "rectified_on" => "整改完成日期",
        "issuer" => "发布机构",
        "groups" => "群体",
        "channels" => "接收方式",
        "source" => "登记方式",
        "withdrawn_at" => "撤回同意时间",
        "url" => "网关地址",
        "secret" => "签名密钥",
        "deliveries" => "投递份数",
        "printed" => "线下送达份数",
        "delivery" => "投递编号",
        "retired" => "停用",
        "description" => "说明",
        "final_item_id" => "最终文件",
        "report_published_on" => "采纳情况公布日期",
        other => other,
    }
}

/// A stored value shown in Chinese: the label of a domain code where it is one.
fn value_text(field: &str, v: &serde_json::Value) -> String {
    use gongkai_core::catalog as c;
    match v {
        serde_json::Value::Null => "（空）".into(),
        serde_json::Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => {
            let label: Option<&str> = match field {
                "status" => c::Status::parse(s)
                    .map(|x| x.label())
                    .or_else(|| gongkai_core::applications::Status::parse(s).map(|x| x.label()))
                    .or_else(|| gongkai_core::reports::narrative::ReportStatus::parse(s).map(|r| r.label())),
                "attribute" => c::Attribute::parse(s).ok().map(|x| x.label()),
                "kind" => c::ItemKind::parse(s)
                    .ok()
                    .map(|x| x.label())
                    .or_else(|| gongkai_core::orgs::OrgKind::parse(s).ok().map(|x| x.label()))
                    .or_else(|| gongkai_core::appeals::AppealKind::parse(s).ok().map(|x| x.label())),
                "validity" => c::Validity::parse(s).ok().map(|x| x.label()),
                "role" => gongkai_core::orgs::accounts::Role::parse(s).ok().map(|x| x.label()),
                "channel" => gongkai_core::applications::Channel::parse(s).ok().map(|x| x.label()),
                "result" => gongkai_core::appeals::AppealResult::parse(s).ok().map(|x| x.label()),
                "revoked_at" => None,
                "source" => gongkai_core::pushes::Source::parse(s).map(|x| x.label()),
                "channels" => {
                    let labels: Vec<&str> =
                        gongkai_core::pushes::parse_channels_code(s).into_iter().map(|c| c.label()).collect();
                    return if labels.is_empty() { s.clone() } else { labels.join("、") };
                }
                _ => None,
            };
            match label {
                Some(l) => l.to_string(),
                None => gongkai_store::ts::parse(s)
                    .filter(|_| s.len() > 10)
                    .map(gongkai_core::time::china_display)
                    .unwrap_or_else(|| s.clone()),
            }
        }
        other => other.to_string(),
    }
}

/// The stored change set `{"field":[old,new]}` as a readable line:
/// `状态：待审核 → 已发布；索引号：（空）→ …`.
fn changes_text(json: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json) else {
        return json.to_string();
    };
    map.iter()
        .map(|(k, v)| {
            let label = field_label(k);
            match v.as_array().map(|a| a.as_slice()) {
                Some([serde_json::Value::Null, new]) => format!("{label}：{}", value_text(k, new)),
                Some([old, new]) => format!("{label}：{} → {}", value_text(k, old), value_text(k, new)),
                _ => format!("{label}：{}", value_text(k, v)),
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_lines_read_in_chinese() {
        assert_eq!(
            changes_text(r#"{"status":["submitted","published"],"index_no":[null,"X-1"]}"#),
            "索引号：X-1；状态：待审核 → 已发布"
        );
        assert_eq!(changes_text(r#"{"active":[true,false]}"#), "启用：是 → 否");
        assert_eq!(action_label("receipt_confirmed"), "确认收到申请");
        assert_eq!(entity_label("catalog_item"), "公开信息");
    }
}
