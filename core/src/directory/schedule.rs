//! Opening hours: is a channel open now, until when, and when does it open next.
//!
//! Hours are wall-clock times in Europe/London, so everything is worked out in local civil
//! time from the real time-zone database (Europe/London's rules, compiled in): "17:00" means 17:00 whether
//! the clocks say BST or GMT, and a window that crosses the spring-forward or fall-back hour
//! is simply measured in local time.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};

use super::model::{Day, Hours, Window};
#[cfg(test)]
use super::model::{Days, LocalTime};

/// Europe/London, compiled in from the IANA database that jiff ships, so it works on phones
/// with no time-zone files and cannot fail at run time.
const LONDON: TimeZone = jiff::tz::get!("Europe/London");

pub fn london() -> TimeZone {
    LONDON
}

fn day_of(date: Date) -> Day {
    use jiff::civil::Weekday::*;
    match date.weekday() {
        Monday => Day::Mon,
        Tuesday => Day::Tue,
        Wednesday => Day::Wed,
        Thursday => Day::Thu,
        Friday => Day::Fri,
        Saturday => Day::Sat,
        Sunday => Day::Sun,
    }
}

/// Whether a channel is open, as of one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenState {
    AlwaysOpen,
    /// Open now; `closes` is when (local).
    OpenUntil {
        closes: Zoned,
    },
    /// Open, but no new conversations are started now (the last-new-contact time has passed).
    NoNewContacts {
        closes: Zoned,
        next_open: Option<Zoned>,
    },
    Closed {
        next_open: Option<Zoned>,
    },
    Unknown,
}

impl OpenState {
    /// Open to someone making contact right now.
    pub fn is_open(&self) -> bool {
        matches!(self, OpenState::AlwaysOpen | OpenState::OpenUntil { .. })
    }
}

/// One concrete opening, in local civil time.
#[derive(Debug, Clone, Copy)]
struct Interval {
    start: DateTime,
    end: DateTime,
    last_new: Option<DateTime>,
}

fn windows_on(hours: &Hours, date: Date) -> &[Window] {
    match hours {
        Hours::Weekly {
            windows,
            exceptions,
        } => exceptions
            .iter()
            .find(|e| e.from <= date && date <= e.to)
            .map_or(windows.as_slice(), |e| e.windows.as_slice()),
        _ => &[],
    }
}

fn intervals_on(hours: &Hours, date: Date, out: &mut Vec<Interval>) {
    let day = day_of(date);
    for w in windows_on(hours, date)
        .iter()
        .filter(|w| w.days.contains(day))
    {
        let (opens, closes): (Time, Time) = (w.opens.civil(), w.closes.civil());
        let start = date.to_datetime(opens);
        // Closing at or before opening means the window ends on the next day.
        let end_date = if closes <= opens {
            date.tomorrow().unwrap_or(date)
        } else {
            date
        };
        let end = end_date.to_datetime(closes);
        let last_new = w.last_new_contact.map(|t| t.civil()).map(|t| {
            let d = if t < opens { end_date } else { date };
            d.to_datetime(t)
        });
        out.push(Interval {
            start,
            end,
            last_new,
        });
    }
}

fn to_zoned(dt: DateTime, tz: &TimeZone) -> Option<Zoned> {
    dt.to_zoned(tz.clone()).ok()
}

/// How far ahead to look for the next opening.
const LOOKAHEAD_DAYS: i64 = 14;

pub fn state(hours: &Hours, at: Timestamp) -> OpenState {
    let tz = london();
    let now = at.to_zoned(tz.clone());
    let (now_dt, today) = (now.datetime(), now.date());
    match hours {
        Hours::Always => return OpenState::AlwaysOpen,
        Hours::Unknown { .. } => return OpenState::Unknown,
        Hours::Weekly { .. } => {}
    }
    let mut intervals = Vec::with_capacity(16);
    for offset in -1..=LOOKAHEAD_DAYS {
        if let Ok(date) = today.checked_add(offset.days()) {
            intervals_on(hours, date, &mut intervals);
        }
    }
    intervals.sort_by_key(|i| i.start);

    let next_open_after = |t: DateTime| {
        intervals
            .iter()
            .filter(|i| i.start > t)
            .map(|i| i.start)
            .min()
            .and_then(|s| to_zoned(s, &tz))
    };

    let Some(current) = intervals
        .iter()
        .find(|i| i.start <= now_dt && now_dt < i.end)
    else {
        return OpenState::Closed {
            next_open: next_open_after(now_dt),
        };
    };
    // Windows that touch (one ends as the next begins) are one opening: keep extending.
    let mut end = current.end;
    while let Some(next) = intervals.iter().find(|i| i.start <= end && i.end > end) {
        end = next.end;
    }
    if end
        .date()
        .since(today)
        .is_ok_and(|s| s.get_days() >= LOOKAHEAD_DAYS as i32)
    {
        return OpenState::AlwaysOpen;
    }
    let Some(closes) = to_zoned(end, &tz) else {
        return OpenState::Unknown;
    };
    match current.last_new {
        Some(last) if now_dt >= last => OpenState::NoNewContacts {
            closes,
            next_open: next_open_after(current.end),
        },
        _ => OpenState::OpenUntil { closes },
    }
}

fn hhmm(z: &Zoned) -> String {
    if z.hour() == 0 && z.minute() == 0 {
        "midnight".to_owned()
    } else {
        format!("{:02}:{:02}", z.hour(), z.minute())
    }
}

/// "today", "tomorrow", or the weekday name, relative to `now` in local time.
fn when(z: &Zoned, now: &Zoned) -> String {
    let days = (z.date() - now.date()).get_days();
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        _ => format!("on {}", z.strftime("%A")),
    }
}

fn opens_text(next: &Option<Zoned>, now: &Zoned) -> String {
    match next {
        Some(z) => format!("opens {} {}", hhmm(z), when(z, now)),
        None => "not open in the next two weeks".to_owned(),
    }
}

/// Plain words for the state, as of `at`: "open now until 21:00", "opens 17:00 tomorrow".
pub fn describe(state: &OpenState, at: Timestamp) -> String {
    let now = at.to_zoned(london());
    match state {
        OpenState::AlwaysOpen => "open all the time".to_owned(),
        OpenState::OpenUntil { closes } => {
            let until = hhmm(closes);
            if closes.date() == now.date() || until == "midnight" {
                format!("open now until {until}")
            } else {
                format!("open now until {until} {}", when(closes, &now))
            }
        }
        OpenState::NoNewContacts { closes, next_open } => format!(
            "not starting new conversations now (closes {}); {}",
            hhmm(closes),
            opens_text(next_open, &now)
        ),
        OpenState::Closed { next_open } => format!("closed now; {}", opens_text(next_open, &now)),
        OpenState::Unknown => "hours unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::model::Exception;

    fn t(s: &str) -> LocalTime {
        LocalTime::parse(s).unwrap()
    }

    fn weekly(days: &[Day], opens: &str, closes: &str, last: Option<&str>) -> Hours {
        Hours::Weekly {
            windows: vec![Window {
                days: days.iter().copied().collect::<Days>(),
                opens: t(opens),
                closes: t(closes),
                last_new_contact: last.map(t),
            }],
            exceptions: vec![],
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn text(h: &Hours, t: &str) -> String {
        describe(&state(h, at(t)), at(t))
    }

    #[test]
    fn evening_line_across_the_spring_change() {
        // 17:00–00:00 every day. Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
        let h = weekly(&Day::ALL, "17:00", "00:00", None);
        // Saturday 16:30 UTC is 16:30 GMT: closed.
        assert_eq!(
            text(&h, "2026-03-28T16:30:00Z"),
            "closed now; opens 17:00 today"
        );
        // Sunday 16:30 UTC is 17:30 BST: open.
        assert_eq!(text(&h, "2026-03-29T16:30:00Z"), "open now until midnight");
        // Sunday 23:30 UTC is 00:30 BST Monday: closed until 17:00.
        assert_eq!(
            text(&h, "2026-03-29T23:30:00Z"),
            "closed now; opens 17:00 today"
        );
    }

    #[test]
    fn evening_line_across_the_autumn_change() {
        let h = weekly(&Day::ALL, "17:00", "00:00", None);
        // Clocks go back at 01:00 UTC on Sunday 25 October 2026.
        // Saturday 16:30 UTC is 17:30 BST: open.
        assert!(state(&h, at("2026-10-24T16:30:00Z")).is_open());
        // Sunday 16:30 UTC is 16:30 GMT: closed.
        assert!(!state(&h, at("2026-10-25T16:30:00Z")).is_open());
        // Sunday 23:30 UTC is 23:30 GMT: open until midnight.
        assert_eq!(text(&h, "2026-10-25T23:30:00Z"), "open now until midnight");
    }

    #[test]
    fn window_past_midnight() {
        // 22:00–02:00 on Fridays: open at 01:00 on Saturday morning.
        let h = weekly(&[Day::Fri], "22:00", "02:00", None);
        // Friday 20 Nov 2026 is GMT.
        assert_eq!(
            text(&h, "2026-11-20T21:00:00Z"),
            "closed now; opens 22:00 today"
        );
        assert_eq!(
            text(&h, "2026-11-20T23:00:00Z"),
            "open now until 02:00 tomorrow"
        );
        assert_eq!(text(&h, "2026-11-21T01:00:00Z"), "open now until 02:00");
        assert_eq!(
            text(&h, "2026-11-21T02:00:00Z"),
            "closed now; opens 22:00 on Friday"
        );
    }

    #[test]
    fn last_new_contact_rule() {
        // Sun–Thu 17:00–21:00, no new contacts after 20:30.
        let h = weekly(
            &[Day::Sun, Day::Mon, Day::Tue, Day::Wed, Day::Thu],
            "17:00",
            "21:00",
            Some("20:30"),
        );
        // Monday 23 Nov 2026, GMT.
        assert_eq!(text(&h, "2026-11-23T20:00:00Z"), "open now until 21:00");
        let s = state(&h, at("2026-11-23T20:31:00Z"));
        assert!(!s.is_open());
        assert_eq!(
            describe(&s, at("2026-11-23T20:31:00Z")),
            "not starting new conversations now (closes 21:00); opens 17:00 tomorrow"
        );
        // Thursday night: next opening is Sunday.
        assert_eq!(
            text(&h, "2026-11-26T21:30:00Z"),
            "closed now; opens 17:00 on Sunday"
        );
    }

    #[test]
    fn weekday_office_hours() {
        let h = weekly(
            &[Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri],
            "09:30",
            "16:00",
            None,
        );
        // Saturday 21 Nov 2026 at 03:00.
        assert_eq!(
            text(&h, "2026-11-21T03:00:00Z"),
            "closed now; opens 09:30 on Monday"
        );
        assert_eq!(text(&h, "2026-11-23T10:00:00Z"), "open now until 16:00");
    }

    #[test]
    fn date_bounded_exceptions_override_the_week() {
        let Hours::Weekly { windows, .. } = weekly(&Day::ALL, "09:00", "17:00", None) else {
            unreachable!()
        };
        let h = Hours::Weekly {
            windows,
            exceptions: vec![
                Exception {
                    from: "2026-12-25".parse().unwrap(),
                    to: "2026-12-26".parse().unwrap(),
                    windows: vec![],
                    note: "closed for Christmas".into(),
                },
                Exception {
                    from: "2026-12-24".parse().unwrap(),
                    to: "2026-12-24".parse().unwrap(),
                    windows: vec![Window {
                        days: Day::ALL.into_iter().collect(),
                        opens: t("09:00"),
                        closes: t("12:00"),
                        last_new_contact: None,
                    }],
                    note: "short day".into(),
                },
            ],
        };
        assert_eq!(text(&h, "2026-12-24T10:00:00Z"), "open now until 12:00");
        assert_eq!(
            text(&h, "2026-12-24T13:00:00Z"),
            "closed now; opens 09:00 on Sunday"
        );
        assert!(!state(&h, at("2026-12-25T10:00:00Z")).is_open());
        assert!(state(&h, at("2026-12-27T10:00:00Z")).is_open());
    }

    #[test]
    fn always_and_unknown() {
        assert_eq!(
            text(&Hours::Always, "2026-11-21T03:00:00Z"),
            "open all the time"
        );
        assert_eq!(
            text(&Hours::Unknown { note: None }, "2026-11-21T03:00:00Z"),
            "hours unknown"
        );
        // A window covering the whole of every day is always open.
        let h = weekly(&Day::ALL, "00:00", "00:00", None);
        assert_eq!(state(&h, at("2026-11-21T03:00:00Z")), OpenState::AlwaysOpen);
    }
}
