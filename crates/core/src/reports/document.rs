//! The annual report as one document in the official order — 一、总体情况, the tables
//! 二、三、四 in their places, 五、存在的主要问题及改进情况, 六、其他需要报告的事项 — so that
//! every export (HTML, Word, Excel, PDF) is the whole report, written from one model.

use super::Tables;
use super::grid::{self, Grid};

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    /// A statistical table; its title is its heading.
    Table(Grid),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// The narrative sections as plain paragraphs, figures already filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sections {
    pub s1: Vec<String>,
    pub s5: Vec<String>,
    pub s6: Vec<String>,
    /// Section 六's computed fee statement (国办函〔2020〕109号).
    pub fee: String,
}

const EMPTY: &str = "（本部分尚未填写）";

impl Document {
    /// The whole report of `org` for `year`.
    pub fn report(org: &str, year: i16, t: &Tables, s: &Sections) -> Self {
        let mut blocks = vec![Block::Heading("一、总体情况".into())];
        let paras = |b: &mut Vec<Block>, ps: &[String]| {
            if ps.is_empty() {
                b.push(Block::Paragraph(EMPTY.into()));
            }
            b.extend(ps.iter().map(|p| Block::Paragraph(p.clone())));
        };
        paras(&mut blocks, &s.s1);
        for g in [grid::table2(t), grid::table3(t), grid::table4(t)] {
            blocks.push(Block::Table(g));
        }
        blocks.push(Block::Heading("五、存在的主要问题及改进情况".into()));
        paras(&mut blocks, &s.s5);
        blocks.push(Block::Heading("六、其他需要报告的事项".into()));
        blocks.push(Block::Paragraph(s.fee.clone()));
        blocks.extend(s.s6.iter().map(|p| Block::Paragraph(p.clone())));
        Self { title: format!("{org}{year}年政府信息公开工作年度报告"), blocks }
    }

    /// The tables alone, for sums across bodies (which have no narrative of their own).
    pub fn tables_only(title: String, t: &Tables) -> Self {
        let blocks = [grid::table2(t), grid::table3(t), grid::table4(t)].into_iter().map(Block::Table).collect();
        Self { title, blocks }
    }

    pub fn grids(&self) -> impl Iterator<Item = &Grid> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(g) => Some(g),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::{ReportFormat, compute};

    #[test]
    fn the_report_has_its_six_parts_in_order() {
        let t = compute(ReportFormat::for_year(2021), "某局", 2021, &[], &[]);
        let s = Sections { s1: vec!["总体情况。".into()], fee: "未收费。".into(), ..Default::default() };
        let d = Document::report("某局", 2021, &t, &s);
        let heads: Vec<String> = d
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some(h.clone()),
                Block::Table(g) => Some(g.title.to_string()),
                Block::Paragraph(_) => None,
            })
            .collect();
        let want = ["一、", "二、", "三、", "四、", "五、", "六、"];
        assert_eq!(heads.len(), 6);
        for (h, w) in heads.iter().zip(want) {
            assert!(h.starts_with(w), "{h}");
        }
        assert!(d.blocks.contains(&Block::Paragraph(EMPTY.into())), "an empty section says so");
        assert_eq!(d.grids().count(), 3);
        assert_eq!(d.title, "某局2021年政府信息公开工作年度报告");
    }
}
