//! `gongkai bench seed`: a large organisation for load tests, reproducible from a seed.
//! The demo's bodies and logins, more bodies when asked, published catalog items spread over
//! every body's columns (bulk-inserted: tens of thousands a second, listed in the column
//! pages and queued for the search index like published items), and applications handled
//! through the same steps as the demo's (events, deadlines, replies).

use super::applications::{Rng, dates_in, handle, plan};
use gongkai_core::ids::{ColumnId, OrgId};
use gongkai_store::{Actor, Db, catalog, orgs};

#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub orgs: usize,
    pub items: u64,
    pub applications: u64,
    pub seed: u64,
}

/// What is being seeded, for the progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Items,
    ColumnLists,
    Applications,
}

/// The civil-affairs words the synthetic items are made of (also the catalog benchmark's).
pub const WORDS: [&str; 40] = [
    "社会救助",
    "最低生活保障",
    "特困人员",
    "临时救助",
    "养老服务",
    "养老机构",
    "居家养老",
    "长者饭堂",
    "殡葬服务",
    "公益性公墓",
    "社会组织",
    "慈善募捐",
    "婚姻登记",
    "儿童福利",
    "残疾人补贴",
    "地名管理",
    "志愿服务",
    "社会工作",
    "老年人优待",
    "孤儿保障",
    "流浪乞讨",
    "护理补贴",
    "资金发放",
    "名单公示",
    "办事指南",
    "收费标准",
    "政府采购",
    "捐赠款物",
    "行政复议",
    "审计整改",
    "政策解读",
    "规范性文件",
    "实施细则",
    "通知",
    "意见",
    "监督检查",
    "信息公开",
    "服务质量",
    "等级评定",
    "运营补贴",
];

/// Items per transaction.
const ROWS_PER_COMMIT: u64 = 20_000;

struct Body {
    id: OrgId,
    name: String,
    credit: String,
    leaves: Vec<ColumnId>,
}

/// Seed `size` into an empty database; `progress(stage, done, total)` is called as it goes.
pub async fn seed(
    db: &Db,
    today: jiff::civil::Date,
    size: Size,
    mut progress: impl FnMut(Stage, u64, u64),
) -> anyhow::Result<()> {
    super::seed_base(db).await?;
    let actor = Actor::system("bench");
    let mut all = orgs::list(db).await?;
    let city = orgs::find(db, super::CITY_CODE).await?;
    let mut k = 0u32;
    while all.len() < size.orgs {
        k += 1;
        let input = gongkai_core::orgs::OrgInput {
            name: format!("广州市民政局第{k}直属服务中心"),
            short_code: format!("bench{k}"),
            kind: "affiliated_body".into(),
            credit_code: super::credit_code("440100", 500 + k),
            parent_id: Some(city.id.0),
            hosted_by_id: Some(city.id.0),
            address: format!("广州市越秀区示范路{k}号（示例地址）"),
            office_hours: "工作日 9:00-12:00，14:00-17:30".into(),
            phone: format!("020-83{:06}", 100 + k),
            email: format!("bench{k}@mzj.example.gov.cn"),
            ..Default::default()
        };
        let facts = input.parse().map_err(|e| anyhow::anyhow!("bench organisation: {e}"))?;
        orgs::create(db, &actor, &facts).await?;
        all = orgs::list(db).await?;
    }
    let mut bodies = Vec::new();
    for o in all.iter().take(size.orgs.max(1)) {
        let cols = catalog::columns(db, o.id).await?;
        let leaves: Vec<ColumnId> =
            cols.iter().filter(|c| !cols.iter().any(|x| x.parent_id == Some(c.id))).map(|c| c.id).collect();
        bodies.push(Body { id: o.id, name: o.name.clone(), credit: o.credit_code.clone(), leaves });
    }

    let mut rng = Rng(size.seed.max(1));
    let mut done = 0u64;
    progress(Stage::Items, 0, size.items);
    while done < size.items {
        let end = (done + ROWS_PER_COMMIT).min(size.items);
        let mut batch = Vec::with_capacity((end - done) as usize);
        while done < end {
            done += 1;
            let body = &bodies[(done as usize) % bodies.len()];
            let year = 2008 + (done % 19) as i64;
            let (a, w2, c) = (word(&mut rng), word(&mut rng), word(&mut rng));
            let text = format!(
                "为进一步做好{a}工作，根据有关规定，现就{w2}有关事项通知如下。一、各区要落实{c}责任，完善工作机制。\
                 二、加强{a}与{c}的衔接，做好信息公开和政策解读。三、强化监督检查，确保{w2}资金安全。\
                 四、本通知自发布之日起施行，由{}负责解释。",
                body.name
            );
            batch.push(catalog::bulk::BulkItem {
                org_id: body.id.0,
                column_id: body.leaves[(done as usize / bodies.len()) % body.leaves.len()].0,
                title: format!("{}关于{a}和{w2}工作的通知（第{done}号）", body.name),
                summary: format!("关于{a}和{w2}的通知"),
                body_html: format!("<p>{text}</p>"),
                body_text: text,
                issuer: body.name.clone(),
                doc_number: format!("穗民函〔{year}〕{done}号"),
                keywords: format!("{a},{w2}"),
                index_no: format!("{}/{year}-B{done:07}", body.credit),
                published_on: format!("{year}-{:02}-{:02}", 1 + done % 12, 1 + done % 28),
            });
        }
        catalog::bulk::insert_published(db, &batch).await?;
        progress(Stage::Items, done, size.items);
    }
    progress(Stage::ColumnLists, 0, bodies.len() as u64);
    for (i, b) in bodies.iter().enumerate() {
        catalog::rebuild_column_lists(db, b.id).await?;
        progress(Stage::ColumnLists, i as u64 + 1, bodies.len() as u64);
    }

    let cal = gongkai_store::calendars::active(db).await?;
    let years: Vec<i16> = (2021..today.year()).collect();
    let per_year = (size.applications as usize).div_ceil(years.len().max(1));
    let mut made = 0u64;
    progress(Stage::Applications, 0, size.applications);
    'years: for year in years {
        let last = jiff::civil::Date::new(year, 11, 20)?;
        for d in dates_in(&cal, &mut rng, year, per_year, last)? {
            if made >= size.applications {
                break 'years;
            }
            let body = &bodies[(made as usize) % bodies.len()];
            let p = plan(&mut rng, body.id, d, year, None);
            handle(db, &actor, &cal, p, &mut rng).await?;
            made += 1;
            progress(Stage::Applications, made, size.applications);
        }
    }
    catalog::bulk::analyze(db).await?;
    Ok(())
}

fn word(rng: &mut Rng) -> &'static str {
    WORDS[(rng.next() % WORDS.len() as u64) as usize]
}
