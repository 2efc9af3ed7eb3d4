"""The visits of the pages a request lives on after it is sent (counter-proposal, "did it take
place?", evaluation), of waiting lists, of e-mail (the development mailbox, the HTML of a mail,
the administrator's undeliverable mail), of the calendar feed and of the account's links and
settings. Merged into pages.PAGES; the world they need is built by world_life.py.
"""
from tests.e2e.visits import (
    ERRORS,
    VISITOR,
    Visit,
    booking,
    submit,
    token,
    with_errors,
)

# The request's page: the cards of each step, and its conversation.
PROPOSAL = "main #proposal-title"
ACCEPT_COUNTER = "main button[value=accept_counter]"
DECLINE_COUNTER = "main button[value=decline_counter]"
COUNTER_FORM = "main form[action$='/tegenvoorstel']"
CONTACT = "main #contact-details"
MESSAGE_FORM = "main form[action$='/bericht']"
OUTCOME_FORM = "main form[action$='/plaatsgevonden']"
EVALUATION_FORM = "main form[action$='/evaluatie']"
OWN_EVALUATION = "main #evaluation-title"
CANCEL = "main button[value=cancel]"
ACCEPT = "main button[value=accept]"


def _button(form):
    return f"{form} button[type=submit]"


# --- the request's page after it was sent ---------------------------------------------------

BOOKINGS = [
    Visit("booking-counter-proposed-school", "teacher", booking("counter_proposed"),
          shows=(PROPOSAL, ACCEPT_COUNTER, DECLINE_COUNTER, MESSAGE_FORM), hides=(CONTACT,)),
    Visit("booking-counter-proposed-company", "company", booking("counter_proposed"),
          shows=(PROPOSAL, MESSAGE_FORM), hides=(ACCEPT, COUNTER_FORM, CONTACT)),
    # Declining a proposal needs a reason; proposing needs a message saying why.
    Visit("booking-decline-counter-errors", "teacher", booking("counter_proposed"), status=422,
          action=submit(DECLINE_COUNTER), shows=(ERRORS, "main #message.is-invalid")),
    Visit("booking-counter-errors", "company", booking("requested"), status=422,
          action=submit(_button(COUNTER_FORM)),
          shows=(ERRORS, "main #counter-message.is-invalid")),
    Visit("booking-message-errors", "teacher", booking("accepted"), status=422,
          action=submit(_button(MESSAGE_FORM)), shows=(ERRORS, "main #body.is-invalid")),
    # After the date: "did it take place?", asked of both sides.
    Visit("booking-outcome-due-school", "teacher", booking("outcome_due"),
          shows=(OUTCOME_FORM, "main input[name=held]", CONTACT),
          hides=(CANCEL, EVALUATION_FORM)),
    Visit("booking-outcome-due-company", "company", booking("outcome_due"),
          shows=(OUTCOME_FORM, "main input[name=held]", CONTACT),
          hides=(CANCEL, EVALUATION_FORM)),
    Visit("booking-outcome-errors", "company", booking("outcome_due"), status=422,
          action=submit(_button(OUTCOME_FORM)), shows=(ERRORS,)),
    # The company said it did not take place; the school has not answered yet.
    Visit("booking-no-show-school", "teacher", booking("no_show"),
          shows=(OUTCOME_FORM,), hides=(EVALUATION_FORM,)),
    Visit("booking-no-show-company", "company", booking("no_show"),
          hides=(OUTCOME_FORM, EVALUATION_FORM)),
    # Both said it took place: each side evaluates, with the fields of its side.
    Visit("booking-evaluation-due-school", "teacher", booking("evaluation_due"),
          shows=(EVALUATION_FORM, "main #pupils_reached", "main #girls",
                 "main input[name=rating]"),
          hides=("main input[name=host_again]", OUTCOME_FORM, OWN_EVALUATION)),
    Visit("booking-evaluation-due-company", "company", booking("evaluation_due"),
          shows=(EVALUATION_FORM, "main input[name=host_again]", "main input[name=rating]"),
          hides=("main #pupils_reached", OUTCOME_FORM, OWN_EVALUATION)),
    Visit("booking-evaluation-errors-school", "teacher", booking("evaluation_due"), status=422,
          action=submit(_button(EVALUATION_FORM)),
          shows=(ERRORS, "main #pupils_reached.is-invalid")),
    Visit("booking-evaluation-errors-company", "company", booking("evaluation_due"),
          status=422, action=submit(_button(EVALUATION_FORM)), shows=(ERRORS,)),
    Visit("booking-evaluated-school", "teacher", booking("evaluated"),
          shows=(OWN_EVALUATION, MESSAGE_FORM), hides=(EVALUATION_FORM, OUTCOME_FORM)),
    Visit("booking-evaluated-company", "company", booking("evaluated"),
          shows=(OWN_EVALUATION,), hides=(EVALUATION_FORM, OUTCOME_FORM)),
]

# --- waiting lists -------------------------------------------------------------------------

JOIN_FORM = "main form[method=post]"
waitlist_join = Visit("waitlist-join", "teacher-empty", lambda w: {"slot_id": w.slots["full"]},
                      shows=("main #group_size", "main #level_id"))
WAITLIST = {
    "waitlist.join": [
        waitlist_join,
        with_errors(waitlist_join, shows=(ERRORS, "main #group_size.is-invalid")),
        Visit("waitlist-join-in-line", "teacher", lambda w: {"slot_id": w.slots["full"]},
              shows=("main [role=status] a[href$='/wachtlijst']",), hides=(JOIN_FORM,)),
    ],
    "waitlist.mine": [
        Visit("waitlists", "teacher",
              shows=("main form[action$='/verlaten'] button", "main td .badge")),
        Visit("waitlists-empty", "teacher-empty", hides=("main table",)),
    ],
    "waitlist.offer": [
        Visit("waitlist-offer", "teacher", token("waitlist-open"),
              shows=("main button[value=take]", "main button[value=decline]")),
        Visit("waitlist-offer-expired", "teacher", token("waitlist-expired"),
              shows=("main [role=status] a[href*='/wachtlijst/datum/']",),
              hides=("main button[value=take]",)),
        Visit("waitlist-offer-other-school", "teacher-empty", token("waitlist-open"),
              status=403, hides=("main button[value=take]",)),
        Visit("waitlist-offer-unknown", "teacher", lambda w: {"token": "x" * 43}, status=404),
    ],
}

# --- e-mail ------------------------------------------------------------------------------


def _mail(key):
    return lambda world: {"message_id": world.mails[key]}


MAIL = {
    # The development mailbox answers without signing in (DEV_MAILBOX, from 127.0.0.1 only).
    "notifications.mailbox": [
        Visit("mailbox", VISITOR, shows=("main table a[href*='/dev/mail/']", "main .badge")),
    ],
    "notifications.mailbox_message": [
        Visit("mailbox-message", VISITOR, _mail("nl"),
              shows=("main iframe[title]", "main a[href*='/aanvragen/']")),
        Visit("mailbox-message-calendar", VISITOR, _mail("calendar"),
              shows=("main iframe[title]", "main code")),
        Visit("mailbox-message-unknown", VISITOR, lambda w: {"message_id": 10**9}, status=404),
    ],
    # The HTML of a mail as the mailbox's sandboxed frame shows it, in its recipient's language
    # only. Its focus rings are the mail program's, not the portal's: not walked.
    "notifications.mailbox_html": [
        Visit("mail-html-nl", VISITOR, _mail("nl"), languages=("nl",), focus_walk=False,
              shows=("a[href*='/aanvragen/']",)),
        Visit("mail-html-en", VISITOR, _mail("en"), languages=("en",), focus_walk=False,
              shows=("a[href*='/account/wachtwoord-herstellen/']",)),
    ],
    "notifications.failed": [
        Visit("mail-failed", "admin", shows=("main table button[type=submit]",)),
        Visit("mail-failed-forbidden", "moderator", status=403),
    ],
}

# --- the calendar feed -------------------------------------------------------------------

RENEW = "main form[action$='/agenda/vernieuwen'] button"
STOP = "main form[action$='/agenda/stoppen'] button"
CALENDAR = {
    "calendar.feed_page": [
        Visit("calendar-feed", "teacher-empty", shows=(RENEW,), hides=(STOP, "main #feed-url")),
        Visit("calendar-feed-exists", "teacher", shows=(RENEW, STOP), hides=("main #feed-url",)),
        # A new address is shown once, right after it was made.
        Visit("calendar-feed-new", "company", action=submit(RENEW), redirects=True,
              shows=("main #feed-url", "main a[href^='webcal:']", STOP)),
        Visit("calendar-feed-forbidden", "admin", status=403),
    ],
}

# --- the account: its links by e-mail, and its settings ----------------------------------

NEW_LINK_FORM = "main form[action$='/account/wachtwoord-vergeten'] #email"
SIGN_IN_LINK = "main a[href*='/account/inloggen']"
RESEND = "main form[action$='/bevestigen/opnieuw'] button"


def _settings_form(section):
    return f"main form[action$='/account/instellingen/{section}'] button[type=submit]"


forgot = Visit("forgot-password", VISITOR, shows=("main #email",))
reset = Visit("reset-password", VISITOR, token("reset-open"), shows=("main #new_password",))
settings = Visit("settings", "teacher",
                 shows=("main input[name=language-locale]", "main input[name=mail-receive]",
                        "main #address-new_email", "main #password-current_password", RESEND,
                        "main a[href$='/agenda']"),
                 hides=("main #mail-digest", "main #address [role=status]"))
ACCOUNTS = {
    "accounts.forgot_password": [
        forgot, with_errors(forgot, shows=(ERRORS, "main #email.is-invalid")),
    ],
    "accounts.reset_password": [
        reset, with_errors(reset, shows=(ERRORS, "main #new_password.is-invalid")),
        Visit("reset-password-expired", VISITOR, token("reset-expired"), status=410,
              shows=(NEW_LINK_FORM,)),
        Visit("reset-password-used", VISITOR, token("reset-used"), status=410,
              shows=(NEW_LINK_FORM,)),
        Visit("reset-password-unknown", VISITOR, lambda w: {"token": "x" * 43}, status=404,
              shows=(NEW_LINK_FORM,)),
        Visit("reset-password-other-account", "teacher", token("reset-open"), status=403,
              hides=("main form[method=post]",)),
    ],
    # Opening a working link confirms at once (and redirects): only refused links have a page.
    "accounts.confirm_email": [
        Visit("confirm-email-unknown", VISITOR, lambda w: {"token": "x" * 43}, status=404,
              shows=(SIGN_IN_LINK,)),
        Visit("confirm-email-expired", VISITOR, token("confirm-expired"), status=410,
              shows=(SIGN_IN_LINK,)),
        Visit("confirm-email-expired-owner", "teacher-empty", token("confirm-expired"),
              status=410, shows=(RESEND,)),
        Visit("confirm-email-used", VISITOR, token("confirm-used"), status=410,
              shows=(SIGN_IN_LINK,)),
        Visit("confirm-email-other-account", "teacher", token("confirm-expired"), status=403,
              hides=("main form[method=post]",)),
        Visit("confirm-email-address-taken", VISITOR, token("confirm-address-taken"),
              status=409, shows=("main a[href*='/account/instellingen']",)),
    ],
    "accounts.settings": [
        settings,
        with_errors(settings, name="settings-password-errors",
                    action=submit(_settings_form("wachtwoord")),
                    shows=(ERRORS, "main #password-current_password.is-invalid")),
        with_errors(settings, name="settings-address-errors",
                    action=submit(_settings_form("adres")),
                    shows=(ERRORS, "main #address-new_email.is-invalid")),
        Visit("settings-company-confirmed", "company-empty", shows=("main #mail-digest",),
              hides=(RESEND,)),
        Visit("settings-address-pending", "company-colleague",
              shows=("main #address [role=status]",)),
    ],
}

# --- privacy: the public statement, the account's data, deleting the account --------------

delete_account = Visit("delete-account", "teacher-empty",
                       shows=("main #password", "main #confirm", "main .btn-danger"))
PRIVACY = {
    "privacy.policy": [Visit("privacy", VISITOR, shows=("main a[href*='/account/inloggen']",))],
    "privacy.account": [
        Visit("privacy-account", "teacher",
              shows=("main form[action$='/account/privacy/export'] button",
                     "main a[href$='/account/verwijderen']")),
    ],
    # Sent empty it is refused (nothing is deleted); an owner with colleagues is told to hand
    # the team over first, without the form.
    "privacy.delete": [
        delete_account,
        with_errors(delete_account, shows=(ERRORS, "main #password.is-invalid",
                                           "main #confirm.is-invalid")),
        Visit("delete-account-owner", "company", shows=("main a[href$='/team/eigenaar']",),
              hides=("main #password",)),
    ],
}

LIFE_PAGES = {"bookings.detail": BOOKINGS, **WAITLIST, **MAIL, **CALENDAR, **ACCOUNTS,
              **PRIVACY}

LIFE_EXCLUDED = {
    "calendar.feed": "the personal calendar feed, an .ics file that calendar apps fetch "
                     "(tests/views check its content); its page is calendar.feed_page",
    "calendar.booking_ics": "one request as an .ics file to download (tests/views check it)",
}
