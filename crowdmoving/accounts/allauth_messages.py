"""German overrides for django-allauth's account strings, in the product's "du".

Crowdmoving speaks to people with the informal "du" everywhere. django-allauth's own German
catalogue mixes "Sie"/"Ihr" with "du" and has a few awkward or misspelt entries, and people
meet these strings on the sign-in, sign-up, login-by-code, password and email pages and in
allauth's account emails.

Django gives the catalogues in LOCALE_PATHS (crowdmoving/locale) precedence over an installed
app's catalogue for the same msgid. This module lists allauth's msgids, copied exactly from
allauth/locale/de/LC_MESSAGES/django.po, so that ``makemessages`` extracts them into our
catalogue, where they are translated in du-form. Nothing imports it at runtime.

When allauth is upgraded, compare these msgids with its catalogue: a msgid that allauth
changed no longer matches, and allauth's own (possibly formal) translation shows again.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

ALLAUTH_ACCOUNT_MESSAGES: tuple[str, ...] = (
    # allauth's German says Sie/Ihr/Ihnen here.
    gettext_noop("Use your password"),
    gettext_noop("Use authenticator app or code"),
    gettext_noop("Use a security key"),
    gettext_noop("Enter a phone number including country code (e.g. +1 for the US)."),
    gettext_noop(
        "We've sent a code to %(recipient)s. The code expires shortly, so please enter it soon."
    ),
    gettext_noop("Please reauthenticate to safeguard your account."),
    gettext_noop("Enter Email Verification Code"),
    gettext_noop("Enter Phone Verification Code"),
    gettext_noop(
        "You are receiving this mail because the following change was made to your account:"
    ),
    gettext_noop(
        "If you do not recognize this change then please take proper security precautions "
        "immediately. The change to your account originates from:\n"
        "\n"
        "- IP address: %(ip)s\n"
        "- Browser: %(user_agent)s\n"
        "- Date: %(timestamp)s"
    ),
    gettext_noop("Your email has been changed from %(from_email)s to %(to_email)s."),
    gettext_noop("Your email has been confirmed."),
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your email address "
        "to register an account on %(site_domain)s."
    ),
    gettext_noop(
        "Your email verification code is listed below. Please enter it in your open browser window."
    ),
    gettext_noop("To confirm this is correct, go to %(activate_url)s"),
    gettext_noop("Email address %(deleted_email)s has been removed from your account."),
    gettext_noop("Your sign-in code is listed below. Please enter it in your open browser window."),
    gettext_noop("This mail can be safely ignored if you did not initiate this action."),
    gettext_noop(
        "Your password reset code is listed below. Please enter it in your open browser window."
    ),
    gettext_noop("Your password has been reset."),
    gettext_noop("Your password has been set."),
    gettext_noop(
        "You are receiving this email because you, or someone else, tried to access an account "
        "with email %(email)s. However, we do not have any record of such an account in our "
        "database."
    ),
    gettext_noop("If it was you, you can sign up for an account using the link below."),
    gettext_noop("You have verified phone number %(phone)s."),
    gettext_noop("Enter your password:"),
    gettext_noop("You will receive a special code for a password-free sign-in."),
    # allauth's German is awkward or misspelt here (typos, a capital Dir, a missing comma).
    gettext_noop("Sign In"),
    gettext_noop("Send me a sign-in code"),
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password reset "
        "for your user account.\n"
        "It can be safely ignored if you did not request a password reset. Click the link below "
        "to reset your password."
    ),
    gettext_noop(
        "You are receiving this email because you or someone else tried to signup for an\n"
        "account using email address:\n"
        "\n"
        "%(email)s\n"
        "\n"
        "However, an account using that email address already exists.  In case you have\n"
        "forgotten about this, please use the password forgotten procedure to recover\n"
        "your account:\n"
        "\n"
        "%(password_reset_url)s"
    ),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam folder. "
        "Otherwise contact us if you do not receive it in a few minutes."
    ),
    gettext_noop(
        "This email confirmation link expired or is invalid. Please <a "
        'href="%(email_url)s">issue a new email confirmation request</a>.'
    ),
    gettext_noop(
        "This part of the site requires us to verify that\n"
        "you are who you claim to be. For this purpose, we require that you\n"
        "verify ownership of your email address. "
    ),
    gettext_noop(
        "We have sent an email to you for\n"
        "verification. Please click on the link inside that email. If you do not see the "
        "verification email in your main inbox, check your spam folder. Otherwise\n"
        "contact us if you do not receive it within a few minutes."
    ),
    gettext_noop(
        '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email '
        "address</a>."
    ),
    gettext_noop("The new value must be different from the current one."),
    gettext_noop("Your primary email address must be verified."),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("Primary email address set."),
    gettext_noop("Bad Token"),
    gettext_noop("Enter Password Reset Code"),
    gettext_noop("Password Reset Code"),
    gettext_noop("Email Address"),
    gettext_noop("Change Email"),
    gettext_noop("Your email address is still pending verification."),
    gettext_noop("Your phone number is still pending verification."),
    # allauth.mfa (two-factor authentication), where its German says Sie/Ihr; the pages
    # themselves are ours (templates/mfa/), these reach people as messages and form errors.
    gettext_noop(
        "You cannot generate recovery codes without having two-factor authentication enabled."
    ),
    gettext_noop(
        "You cannot activate two-factor authentication until you have verified your email address."
    ),
)
