//! Invitation e-mails and SMS, rendered in the access's language from the templates in
//! `shared/templates/`.

use crate::domain::{Language, RegistrationCode, RegistrationToken};
use crate::ports::{EmailMessage, SmsMessage};
use time::OffsetDateTime;

pub struct InvitationText<'a> {
    pub firm: &'a str,
    pub name: &'a str,
    pub portal_base_url: &'a str,
    pub token: &'a RegistrationToken,
    pub code: Option<&'a RegistrationCode>,
    pub expires_at: OffsetDateTime,
    pub language: Language,
    /// The address has a sign-in already: the end user accepts with its password.
    pub existing_account: bool,
    /// The system's one automatic reminder of an invitation not yet used.
    pub reminder: bool,
}

/// The reminder's own wording: a subject prefix and a first paragraph, then the invitation.
fn reminder_wording(language: Language) -> (&'static str, &'static str) {
    match language {
        Language::De => (
            "Erinnerung: ",
            "Erinnerung: Ihre Einladung ist noch nicht angenommen. Der frühere Link und Code gelten nicht mehr; bitte verwenden Sie diese.",
        ),
        Language::En => (
            "Reminder: ",
            "Reminder: your invitation has not been accepted yet. The earlier link and code no longer work; please use these.",
        ),
    }
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Fills the `{{key}}` placeholders of a template in one pass over the template: a value is
/// inserted literally and never scanned again, so a first name `{{link}}` stays those eight
/// characters. Unknown placeholders are left as they are (a test catches them).
fn render(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            let key = &after[..end];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v, end))
        });
        match value {
            Some((v, end)) => {
                out.push_str(v);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// "30.11.2026, 14:05 UTC" or "30 Nov 2026, 14:05 UTC".
fn format_expiry(t: OffsetDateTime, language: Language) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    const EN_MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match language {
        Language::De => format!(
            "{:02}.{:02}.{}, {:02}:{:02} UTC",
            t.day(),
            u8::from(t.month()),
            t.year(),
            t.hour(),
            t.minute()
        ),
        Language::En => format!(
            "{} {} {}, {:02}:{:02} UTC",
            t.day(),
            EN_MONTHS[usize::from(u8::from(t.month())) - 1],
            t.year(),
            t.hour(),
            t.minute()
        ),
    }
}

impl InvitationText<'_> {
    pub fn link(&self) -> String {
        format!(
            "{}/register#token={}",
            self.portal_base_url,
            self.token.expose()
        )
    }

    pub fn email(&self, to: crate::domain::EmailAddress) -> EmailMessage {
        let (subject, text_t, html_t, hint, account) = match self.language {
            Language::De => (
                format!("{}: Ihre Registrierung", self.firm),
                include_str!("../templates/invitation.de.txt"),
                include_str!("../templates/invitation.de.html"),
                "Sie erhalten zusätzlich einen Registrierungscode per SMS. ",
                "Sie haben bereits ein Konto auf der Plattform: Melden Sie sich über den Link mit Ihrem bestehenden Passwort an, um den Zugang anzunehmen. ",
            ),
            Language::En => (
                format!("{}: your registration", self.firm),
                include_str!("../templates/invitation.en.txt"),
                include_str!("../templates/invitation.en.html"),
                "You will also receive a registration code by SMS. ",
                "You already have an account on the platform: sign in with your existing password through the link to accept the access. ",
            ),
        };
        let hint = if self.code.is_some() { hint } else { "" };
        let account = if self.existing_account { account } else { "" };
        let link = self.link();
        let expires = format_expiry(self.expires_at, self.language);
        let text = render(
            text_t,
            &[
                ("name", self.name),
                ("firm", self.firm),
                ("link", &link),
                ("expires", &expires),
                ("code_hint", hint),
                ("account_hint", account),
            ],
        );
        let html = render(
            html_t,
            &[
                ("name", &escape_html(self.name)),
                ("firm", &escape_html(self.firm)),
                ("link", &escape_html(&link)),
                ("expires", &escape_html(&expires)),
                ("code_hint", &escape_html(hint)),
                ("account_hint", &escape_html(account)),
            ],
        );
        if self.reminder {
            let (prefix, lead) = reminder_wording(self.language);
            return EmailMessage {
                to,
                subject: format!("{prefix}{subject}"),
                text: format!("{lead}\n\n{text}"),
                html: format!("<p>{}</p>\n{html}", escape_html(lead)),
            };
        }
        EmailMessage {
            to,
            subject,
            text,
            html,
        }
    }

    pub fn sms(&self, to: crate::domain::MobileNumber) -> Option<SmsMessage> {
        let code = self.code?;
        let template = match self.language {
            Language::De => include_str!("../templates/sms.de.txt"),
            Language::En => include_str!("../templates/sms.en.txt"),
        };
        let text = render(
            template,
            &[
                ("firm", self.firm),
                ("code", &code.display()),
                ("expires", &format_expiry(self.expires_at, self.language)),
            ],
        )
        .trim()
        .to_owned();
        let text = match self.reminder {
            true => format!("{}{text}", reminder_wording(self.language).0),
            false => text,
        };
        Some(SmsMessage { to, text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EmailAddress, MobileNumber};
    use time::macros::datetime;

    fn text<'a>(
        token: &'a RegistrationToken,
        code: Option<&'a RegistrationCode>,
        language: Language,
    ) -> InvitationText<'a> {
        InvitationText {
            firm: "Kanzlei <Muster>",
            name: "Erika Mustermann",
            portal_base_url: "https://portal.example.com",
            token,
            code,
            expires_at: datetime!(2026-11-30 14:05 UTC),
            language,
            existing_account: false,
            reminder: false,
        }
    }

    #[test]
    fn a_reminder_has_its_own_wording_in_both_languages() {
        let token = RegistrationToken::generate();
        let code = RegistrationCode::generate();
        for (language, word) in [(Language::De, "Erinnerung: "), (Language::En, "Reminder: ")] {
            let reminder = InvitationText {
                reminder: true,
                ..text(&token, Some(&code), language)
            };
            let mail = reminder.email(EmailAddress::parse("e@example.com").unwrap());
            assert!(mail.subject.starts_with(word), "{}", mail.subject);
            assert!(mail.text.starts_with(word) && mail.text.contains(&reminder.link()));
            let sms = reminder.sms(MobileNumber::parse("0170 1234567").unwrap());
            assert!(sms.unwrap().text.starts_with(word));
        }
    }

    #[test]
    fn an_invitation_to_an_existing_sign_in_says_to_accept_with_its_password_in_both_languages() {
        let token = RegistrationToken::generate();
        let to = || EmailAddress::parse("e@example.com").unwrap();
        for (language, wording) in [
            (Language::De, "bestehenden Passwort"),
            (Language::En, "existing password"),
        ] {
            let existing = InvitationText {
                existing_account: true,
                ..text(&token, None, language)
            };
            let mail = existing.email(to());
            assert!(mail.text.contains(wording), "{language:?} text");
            assert!(mail.html.contains(wording), "{language:?} HTML");
            let new = text(&token, None, language).email(to());
            assert!(
                !new.text.contains(wording),
                "{language:?}: only for existing sign-ins"
            );
        }
    }

    #[test]
    fn the_german_email_names_the_firm_the_link_and_the_expiry() {
        let token = RegistrationToken::generate();
        let code = RegistrationCode::generate();
        let mail = text(&token, Some(&code), Language::De)
            .email(EmailAddress::parse("e@example.com").unwrap());
        let link = format!(
            "https://portal.example.com/register#token={}",
            token.expose()
        );
        assert!(mail.subject.contains("Kanzlei <Muster>"));
        assert!(mail.text.contains(&link));
        assert!(mail.text.contains("30.11.2026, 14:05 UTC"));
        assert!(mail.text.contains("SMS"));
        assert!(
            mail.html.contains("Kanzlei &lt;Muster&gt;"),
            "HTML is escaped"
        );
        assert!(
            !mail.text.contains(code.raw()),
            "the code travels only by SMS"
        );
        assert!(!mail.text.contains("{{"), "every placeholder is filled");
        assert!(!mail.html.contains("{{"));
    }

    #[test]
    fn rendering_fills_each_placeholder_once_and_inserts_values_literally() {
        assert_eq!(
            render(
                "Hallo {{name}}, {{link}} {{unknown}} {{",
                &[("name", "{{link}}"), ("link", "L")]
            ),
            "Hallo {{link}}, L {{unknown}} {{"
        );
        assert_eq!(render("{{a}}{{a}}", &[("a", "{{a}}")]), "{{a}}{{a}}");
    }

    #[test]
    fn a_name_that_looks_like_a_placeholder_is_sent_as_written() {
        let token = RegistrationToken::generate();
        let code = RegistrationCode::generate();
        for name in ["{{link}}", "{{code}}", "{{firm}} {{expires}}"] {
            for language in [Language::De, Language::En] {
                let mail = InvitationText {
                    name,
                    ..text(&token, Some(&code), language)
                }
                .email(EmailAddress::parse("e@example.com").unwrap());
                assert!(mail.text.contains(name), "{name} in the text body");
                assert!(mail.html.contains(name), "{name} in the HTML body");
                assert_eq!(
                    mail.text.matches(token.expose()).count(),
                    1,
                    "the link appears once, where the template puts it"
                );
                assert!(!mail.text.contains(code.raw()));
                assert!(!mail.html.contains(&code.display()));
            }
        }
    }

    #[test]
    fn the_english_sms_carries_the_code_in_its_display_form() {
        let token = RegistrationToken::generate();
        let code = RegistrationCode::generate();
        let sms = text(&token, Some(&code), Language::En)
            .sms(MobileNumber::parse("0170 1234567").unwrap())
            .unwrap();
        assert!(sms.text.contains(&code.display()));
        assert!(sms.text.contains("30 Nov 2026"));
        assert!(
            !sms.text.contains(token.expose()),
            "the link travels only by e-mail"
        );
    }

    #[test]
    fn without_a_code_there_is_no_sms_and_no_hint() {
        let token = RegistrationToken::generate();
        let t = text(&token, None, Language::En);
        assert!(
            t.sms(MobileNumber::parse("0170 1234567").unwrap())
                .is_none()
        );
        assert!(
            !t.email(EmailAddress::parse("e@example.com").unwrap())
                .text
                .contains("SMS")
        );
    }
}
