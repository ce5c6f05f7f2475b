//! Which ideas a moment offers: a few that fit the feeling, favourites first, hidden never.

use super::toolbox::{Toolbox, ToolboxItem};
use crate::library::Feeling;

/// How many ideas one moment offers: a few to choose from, not a list to work through.
pub const IDEAS_PER_MOMENT: usize = 4;

/// An idea fits a feeling if it names it; an idea of their own that names no feeling fits
/// every one (they said it helps, not when).
fn fits(item: &ToolboxItem, feeling: Feeling) -> bool {
    item.feelings.contains(&feeling) || (item.own && item.feelings.is_empty())
}

/// Up to [`IDEAS_PER_MOMENT`] ideas for `feeling`, leaving out `tried` and hidden ones:
/// favourites first, then their own ideas, then the library's (those written for this feeling
/// before those that also suit it), each in the person's order. With no feeling ("I'm not sure"),
/// favourites first and then one idea from each feeling in turn, so the few offered differ.
pub(crate) fn ideas(
    box_: &Toolbox,
    feeling: Option<Feeling>,
    tried: &[String],
) -> Vec<ToolboxItem> {
    let open: Vec<&ToolboxItem> = box_
        .items
        .iter()
        .filter(|i| !i.hidden && !tried.contains(&i.id))
        .filter(|i| feeling.is_none_or(|f| fits(i, f)))
        .collect();
    let mut out: Vec<&ToolboxItem> = open.iter().copied().filter(|i| i.favourite).collect();
    match feeling {
        Some(f) => {
            // Their own ideas, then the library's made for this feeling first (an idea's first
            // feeling is the one it was written for), then those that also suit it.
            let rest = || open.iter().copied().filter(|i| !i.favourite);
            out.extend(rest().filter(|i| i.own));
            out.extend(rest().filter(|i| !i.own && i.feelings.first() == Some(&f)));
            out.extend(rest().filter(|i| !i.own && i.feelings.first() != Some(&f)));
        }
        None => {
            // One idea from each feeling in turn, until there are enough or none are left.
            while out.len() < IDEAS_PER_MOMENT {
                let before = out.len();
                for f in Feeling::ALL {
                    if out.len() == IDEAS_PER_MOMENT {
                        break;
                    }
                    let next = open
                        .iter()
                        .copied()
                        .find(|i| fits(i, f) && !out.iter().any(|o| o.id == i.id));
                    if let Some(i) = next {
                        out.push(i);
                    }
                }
                if out.len() == before {
                    break;
                }
            }
        }
    }
    out.into_iter().take(IDEAS_PER_MOMENT).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::UserText;

    fn item(id: &str, feelings: &[Feeling], own: bool) -> ToolboxItem {
        ToolboxItem {
            id: id.into(),
            own,
            title: UserText::from(id),
            text: None,
            feelings: feelings.to_vec(),
            minutes: None,
            leads_to: None,
            favourite: false,
            hidden: false,
        }
    }

    fn ids(v: &[ToolboxItem]) -> Vec<&str> {
        v.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn favourites_come_first_hidden_and_tried_never() {
        use Feeling::*;
        let mut items = vec![
            item("a", &[Numb], false),
            item("b", &[Numb], false),
            item("c", &[Numb], false),
            item("d", &[Shame], false),
            item("mine", &[], true),
            item("e", &[Numb], false),
        ];
        items[2].favourite = true;
        items[0].hidden = true;
        let b = Toolbox {
            items,
            quick_access: false,
        };
        assert_eq!(ids(&ideas(&b, Some(Numb), &[])), ["c", "mine", "b", "e"]);
        assert_eq!(
            ids(&ideas(&b, Some(Numb), &["c".into()])),
            ["mine", "b", "e"]
        );
        assert_eq!(ids(&ideas(&b, Some(Shame), &[])), ["mine", "d"]);
        let unsure = ideas(&b, None, &[]);
        assert_eq!(ids(&unsure)[0], "c");
        assert!(ids(&unsure).contains(&"d"), "one from another feeling");
        assert!(!ids(&unsure).contains(&"a"));
    }

    #[test]
    fn ideas_written_for_the_feeling_come_before_those_that_also_suit_it() {
        use Feeling::*;
        let b = Toolbox {
            items: vec![
                item("walk", &[SadOrLonely, Overwhelmed], false),
                item("breathe", &[Overwhelmed], false),
            ],
            quick_access: false,
        };
        assert_eq!(ids(&ideas(&b, Some(Overwhelmed), &[])), ["breathe", "walk"]);
        assert_eq!(ids(&ideas(&b, Some(SadOrLonely), &[])), ["walk"]);
    }
}
