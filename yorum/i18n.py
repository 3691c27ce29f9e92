"""Languages of the pages yorum renders itself: choosing one, and its messages.

The widget carries its own catalogs; these are for what the server writes as HTML (the
thread page for readers without JavaScript). Error messages are chosen by the error's
``code`` and ``field``, never by its English text, so every problem yorum can report has
a wording here, with a general one per code to fall back on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT = "en"
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})

_EN: dict[str, str] = {
    "comments_on": "Comments on {title}",
    "count.one": "{n} comment",
    "count.other": "{n} comments",
    "no_comments": "No comments yet. Be the first to write one.",
    "sort": "Sort:",
    "sort.oldest": "Oldest",
    "sort.newest": "Newest",
    "sort.best": "Best",
    "more": "Older comments",
    "more_replies.one": "Show {n} more reply",
    "more_replies.other": "Show {n} more replies",
    "back_to_thread": "Back to the whole thread",
    "reply": "Reply",
    "replying_to": "Replying to {author}.",
    "cancel_reply": "Write a new comment instead",
    "deleted": "This comment was deleted.",
    "anonymous": "Anonymous",
    "edited": "edited",
    "form.title": "Write a comment",
    "form.text": "Comment",
    "form.text_help": "Markdown works: **bold**, _italic_, `code`, links and quotes.",
    "form.author": "Name (optional)",
    "form.email": "E-mail (optional, never shown)",
    "form.website": "Website (optional)",
    "form.author_required": "Name",
    "form.email_required": "E-mail (never shown)",
    "form.website_required": "Website",
    "form.submit": "Post comment",
    "form.has_errors": "Please correct the marked fields.",
    "posted": "Your comment is posted.",
    "held": "Thank you. Your comment is awaiting moderation and will appear once approved.",
    "open_page": "Open the page",
    "votes": "{likes} up, {dislikes} down",
    "error.required.text": "Please enter your comment.",
    "error.required.author": "Please enter your name.",
    "error.required.email": "Please enter your e-mail address.",
    "error.required.website": "Please enter your website.",
    "error.too_long.text": "Your comment is too long: at most {limit} characters.",
    "error.too_long.author": "The name is too long.",
    "error.too_long": "This is too long.",
    "error.invalid_format.email": "Please enter a valid e-mail address.",
    "error.invalid_format.website": "Please enter a web address starting with https://.",
    "error.invalid_format": "This contains characters that are not allowed.",
    "error.invalid.parent": "The comment you reply to is no longer here.",
    "error.too_deep": "Replies cannot nest deeper here; reply to the comment above instead.",
    "error.duplicate": "You posted this comment already.",
    "error.comment_deleted": "The comment you reply to was deleted.",
    "error.thread_locked": "This thread is closed to new comments.",
    "error.banned": "You may not post comments here.",
    "error.banned_word": "Your comment contains a word this site does not accept.",
    "error.rate_limited": "You are posting too quickly. Please wait {retry_after} seconds.",
    "error.busy": "The server is busy. Please try again in a moment.",
    "error.origin_not_allowed": "This form may only be sent from the page it belongs to.",
    "error.unknown_site": "There is no such site on this server.",
    "error.payload_too_large": "What you sent is too large.",
    "error.bad_request": "The form could not be read. Please try again.",
    "error.automated": "This comment looks automated and was not accepted.",
    "error.too_fast": "That was quick! Please take a few seconds to write, then send again.",
    "error.stale_form": "This form is too old. Please send it again.",
    "form.trap": "Leave this field empty",
    "pinned": "Pinned",
    "report": "Report",
    "report.title": "Why should the moderators look at this comment?",
    "report.reason.spam": "Spam",
    "report.reason.abuse": "Abusive or hateful",
    "report.reason.off_topic": "Off topic",
    "report.reason.other": "Something else",
    "report.note": "Note for the moderators (optional)",
    "report.send": "Send report",
    "report.cancel": "Cancel",
    "reported": "Thank you. The moderators will look at this comment.",
    "error.already_reported": "You reported this comment already.",
    "error.comment_locked": "This comment takes no replies.",
    "error.thread_closed": "This thread is closed to new comments.",
    "error.comment_not_found": "This comment is no longer here.",
    "error.invalid_choice.reason": "Please choose a reason.",
    "notify.title": "Comments",
    "notify.moderate.approve": "Approve this comment?",
    "notify.moderate.reject": "Reject this comment?",
    "notify.moderate.spam": "Mark this comment as spam?",
    "notify.moderated.approve": "Approved.",
    "notify.moderated.reject": "Rejected.",
    "notify.moderated.spam": "Marked as spam.",
    "notify.button.approve": "Approve",
    "notify.button.reject": "Reject",
    "notify.button.spam": "Mark as spam",
    "notify.confirm.title": "Confirm your address",
    "notify.confirm.text": "Mail replies to your comments on {site} to {email}?",
    "notify.confirm.button": "Yes, mail me replies",
    "notify.confirmed.title": "Confirmed",
    "notify.confirmed.text": (
        "Replies to your comments on {site} will be mailed to {email}. Every mail has a "
        "link to stop them."
    ),
    "notify.unsubscribe.title": "Stop reply mails",
    "notify.unsubscribe.text": "Stop mailing replies on {site} to {email}?",
    "notify.unsubscribe.button": "Stop the mails",
    "notify.unsubscribed.title": "Unsubscribed",
    "notify.unsubscribed.text": "No more reply mails from {site} to {email}.",
    "form.notify": "Mail me replies (you confirm your address first)",
    "error.invalid.t": "This link is not valid. Please use the link from the latest mail.",
    "error.link_expired": "This link has expired.",
    "privacy.title": "Your data",
    "privacy.link": "Your data on this site",
    "privacy.ask.text": (
        "To see, download or erase the comments you wrote on {site}, give the e-mail "
        "address you wrote them with. We mail a link to it, so only you can open them."
    ),
    "privacy.ask.email": "Your e-mail address",
    "privacy.ask.button": "Mail me the link",
    "privacy.asked": "If comments were written with this address, a mail with a link is coming.",
    "privacy.no_mail": ("This site sends no mail. Please ask its moderators for your data."),
    "privacy.data.intro": "Comments written with {email}: {n}.",
    "privacy.data.download": "Download all of it (JSON)",
    "privacy.erase.button": "Erase my data",
    "privacy.erase.confirm.delete": (
        "Your comments will be deleted (a blank placeholder stays where others replied), "
        "and your address forgotten. This cannot be undone."
    ),
    "privacy.erase.confirm.anonymize": (
        "Your comments will stay without your name, address, website or picture, and your "
        "address will be forgotten. This cannot be undone."
    ),
    "privacy.erase.sure": "Yes, erase it",
    "privacy.erased": "Done: {n} comments erased, and your address forgotten.",
    "error": "Something is wrong with this value.",
}

_TR: dict[str, str] = {
    "comments_on": "{title} için yorumlar",
    "count.one": "{n} yorum",
    "count.other": "{n} yorum",
    "no_comments": "Henüz yorum yok. İlk yorumu siz yazın.",
    "sort": "Sırala:",
    "sort.oldest": "En eski",
    "sort.newest": "En yeni",
    "sort.best": "En iyi",
    "more": "Daha eski yorumlar",
    "more_replies.one": "{n} yanıt daha göster",
    "more_replies.other": "{n} yanıt daha göster",
    "back_to_thread": "Tüm yorumlara dön",
    "reply": "Yanıtla",
    "replying_to": "{author} adlı kişiye yanıt veriyorsunuz.",
    "cancel_reply": "Bunun yerine yeni bir yorum yazın",
    "deleted": "Bu yorum silindi.",
    "anonymous": "Anonim",
    "edited": "düzenlendi",
    "form.title": "Yorum yazın",
    "form.text": "Yorum",
    "form.text_help": (
        "Markdown kullanabilirsiniz: **kalın**, _italik_, `kod`, bağlantılar ve alıntılar."
    ),
    "form.author": "Adınız (isteğe bağlı)",
    "form.email": "E-posta (isteğe bağlı, gösterilmez)",
    "form.website": "Web siteniz (isteğe bağlı)",
    "form.author_required": "Adınız",
    "form.email_required": "E-posta (gösterilmez)",
    "form.website_required": "Web siteniz",
    "form.submit": "Yorumu gönder",
    "form.has_errors": "Lütfen işaretli alanları düzeltin.",
    "posted": "Yorumunuz yayımlandı.",
    "held": "Teşekkürler. Yorumunuz onay bekliyor; onaylandığında görünecek.",
    "open_page": "Sayfayı aç",
    "votes": "{likes} beğeni, {dislikes} beğenmeme",
    "error.required.text": "Lütfen yorumunuzu yazın.",
    "error.required.author": "Lütfen adınızı yazın.",
    "error.required.email": "Lütfen e-posta adresinizi yazın.",
    "error.required.website": "Lütfen web sitenizi yazın.",
    "error.too_long.text": "Yorumunuz çok uzun: en fazla {limit} karakter.",
    "error.too_long.author": "Ad çok uzun.",
    "error.too_long": "Bu çok uzun.",
    "error.invalid_format.email": "Lütfen geçerli bir e-posta adresi girin.",
    "error.invalid_format.website": "Lütfen https:// ile başlayan bir web adresi girin.",
    "error.invalid_format": "Bu, izin verilmeyen karakterler içeriyor.",
    "error.invalid.parent": "Yanıtladığınız yorum artık burada değil.",
    "error.too_deep": "Yanıtlar burada daha fazla iç içe geçemez; üstteki yoruma yanıt verin.",
    "error.duplicate": "Bu yorumu zaten gönderdiniz.",
    "error.comment_deleted": "Yanıtladığınız yorum silindi.",
    "error.thread_locked": "Bu tartışma yeni yorumlara kapalı.",
    "error.banned": "Burada yorum yazamazsınız.",
    "error.banned_word": "Yorumunuz bu sitenin kabul etmediği bir sözcük içeriyor.",
    "error.rate_limited": "Çok hızlı yorum gönderiyorsunuz. Lütfen {retry_after} saniye bekleyin.",
    "error.busy": "Sunucu meşgul. Lütfen birazdan yeniden deneyin.",
    "error.origin_not_allowed": "Bu form yalnızca ait olduğu sayfadan gönderilebilir.",
    "error.unknown_site": "Bu sunucuda böyle bir site yok.",
    "error.payload_too_large": "Gönderdiğiniz şey çok büyük.",
    "error.bad_request": "Form okunamadı. Lütfen yeniden deneyin.",
    "error.automated": "Bu yorum otomatik gönderilmiş görünüyor ve kabul edilmedi.",
    "error.too_fast": "Çok hızlıydı! Lütfen birkaç saniye ayırıp yeniden gönderin.",
    "error.stale_form": "Bu form çok eski. Lütfen yeniden gönderin.",
    "form.trap": "Bu alanı boş bırakın",
    "pinned": "Sabitlendi",
    "report": "Bildir",
    "report.title": "Moderatörler bu yoruma neden bakmalı?",
    "report.reason.spam": "İstenmeyen ileti (spam)",
    "report.reason.abuse": "Hakaret veya nefret içeriyor",
    "report.reason.off_topic": "Konu dışı",
    "report.reason.other": "Başka bir neden",
    "report.note": "Moderatörlere not (isteğe bağlı)",
    "report.send": "Bildirimi gönder",
    "report.cancel": "Vazgeç",
    "reported": "Teşekkürler. Moderatörler bu yoruma bakacak.",
    "error.already_reported": "Bu yorumu zaten bildirdiniz.",
    "error.comment_locked": "Bu yoruma yanıt verilemez.",
    "error.thread_closed": "Bu tartışma yeni yorumlara kapalı.",
    "error.comment_not_found": "Bu yorum artık burada değil.",
    "error.invalid_choice.reason": "Lütfen bir neden seçin.",
    "notify.title": "Yorumlar",
    "notify.moderate.approve": "Bu yorum onaylansın mı?",
    "notify.moderate.reject": "Bu yorum reddedilsin mi?",
    "notify.moderate.spam": "Bu yorum istenmeyen ileti olarak işaretlensin mi?",
    "notify.moderated.approve": "Onaylandı.",
    "notify.moderated.reject": "Reddedildi.",
    "notify.moderated.spam": "İstenmeyen ileti olarak işaretlendi.",
    "notify.button.approve": "Onayla",
    "notify.button.reject": "Reddet",
    "notify.button.spam": "İstenmeyen ileti olarak işaretle",
    "notify.confirm.title": "Adresinizi doğrulayın",
    "notify.confirm.text": (
        "{site} sitesindeki yorumlarınıza gelen yanıtlar {email} adresine gönderilsin mi?"
    ),
    "notify.confirm.button": "Evet, yanıtları gönder",
    "notify.confirmed.title": "Doğrulandı",
    "notify.confirmed.text": (
        "{site} sitesindeki yorumlarınıza gelen yanıtlar {email} adresine gönderilecek. "
        "Her postada bunları durdurmak için bir bağlantı bulunur."
    ),
    "notify.unsubscribe.title": "Yanıt postalarını durdur",
    "notify.unsubscribe.text": "{site} sitesinden {email} adresine yanıt gönderimi durdurulsun mu?",
    "notify.unsubscribe.button": "Postaları durdur",
    "notify.unsubscribed.title": "Abonelik bitti",
    "notify.unsubscribed.text": (
        "{site} sitesinden {email} adresine artık yanıt postası gönderilmeyecek."
    ),
    "form.notify": "Yanıtları bana postala (önce adresinizi doğrularsınız)",
    "error.invalid.t": "Bu bağlantı geçerli değil. Lütfen en son postadaki bağlantıyı kullanın.",
    "error.link_expired": "Bu bağlantının süresi doldu.",
    "privacy.title": "Verileriniz",
    "privacy.link": "Bu sitedeki verileriniz",
    "privacy.ask.text": (
        "{site} sitesinde yazdığınız yorumları görmek, indirmek ya da silmek için onları "
        "yazarken verdiğiniz e-posta adresini girin. Bağlantıyı o adrese göndeririz; "
        "böylece onları yalnızca siz açabilirsiniz."
    ),
    "privacy.ask.email": "E-posta adresiniz",
    "privacy.ask.button": "Bağlantıyı gönder",
    "privacy.asked": "Bu adresle yorum yazıldıysa, bağlantılı bir posta yolda.",
    "privacy.no_mail": "Bu site posta göndermiyor. Verileriniz için moderatörlerine başvurun.",
    "privacy.data.intro": "{email} ile yazılan yorumlar: {n}.",
    "privacy.data.download": "Hepsini indir (JSON)",
    "privacy.erase.button": "Verilerimi sil",
    "privacy.erase.confirm.delete": (
        "Yorumlarınız silinecek (başkalarının yanıt verdiği yerlerde boş bir yer tutucu "
        "kalır) ve adresiniz unutulacak. Bu geri alınamaz."
    ),
    "privacy.erase.confirm.anonymize": (
        "Yorumlarınız adınız, adresiniz, web siteniz ve resminiz olmadan kalacak; adresiniz "
        "unutulacak. Bu geri alınamaz."
    ),
    "privacy.erase.sure": "Evet, sil",
    "privacy.erased": "Tamam: {n} yorum silindi ve adresiniz unutuldu.",
    "error": "Bu değerde bir sorun var.",
}

CATALOGS: dict[str, dict[str, str]] = {"en": _EN, "tr": _TR}


@dataclass(frozen=True)
class Messages:
    """The messages of one language."""

    language: str

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``, for the page's ``dir`` attribute."""
        return "rtl" if self.language in RIGHT_TO_LEFT else "ltr"

    def __call__(self, key: str, **values: object) -> str:
        """The message ``key`` with ``values`` filled in (English if this one lacks it)."""
        text = CATALOGS[self.language].get(key) or _EN[key]
        return text.format(**values) if values else text

    def count(self, key: str, n: int) -> str:
        """A message with a number, in the plural form ``n`` takes."""
        return self(f"{key}.{'one' if n == 1 else 'other'}", n=n)

    def error(self, code: str, field: str | None, **values: object) -> str:
        """The wording for an error: by code and field, else by code, else a general one."""
        catalog = CATALOGS[self.language]
        for key in (f"error.{code}.{field}", f"error.{code}"):
            if key in catalog or key in _EN:
                return self(key, **values)
        return self("error")


def negotiate(requested: str | None, accept_language: str | None, site_language: str) -> Messages:
    """The language to answer in: asked for by name, else the browser's, else the site's."""
    for candidate in (requested, *_accepted(accept_language), site_language):
        if candidate:
            base = candidate.strip().lower().split("-")[0]
            if base in CATALOGS:
                return Messages(base)
    return Messages(DEFAULT)


def _accepted(header: str | None) -> list[str]:
    """The languages of an Accept-Language header, most wanted first."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if name and name != "*" and quality > 0:
            weighted.append((-quality, index, name))
    return [name for _, _, name in sorted(weighted)]


def catalogs_complete() -> Mapping[str, set[str]]:
    """For each language, the keys English has that it lacks (empty when complete)."""
    return {lang: set(_EN) - set(catalog) for lang, catalog in CATALOGS.items()}
