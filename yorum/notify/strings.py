"""The words of yorum's e-mails, in the widget's eight languages.

A mail is written in its site's language (the primary subtag of ``Site.language``); a
language without a catalog gets English, and so does a key a catalog lacks. Counts are
written as "label: number", so no language needs plural rules here.
"""

from __future__ import annotations

from dataclasses import dataclass

from yorum.i18n import RIGHT_TO_LEFT

DEFAULT = "en"

_EN: dict[str, str] = {
    "anonymous": "Anonymous",
    "open_page": "Open the page",
    "footer": "This mail was sent automatically by the comment system of {site}.",
    "status.approved": "Published",
    "status.pending": "Held for moderation",
    "status.spam": "Spam",
    "status.deleted": "Deleted",
    "moderator.subject.new": "New comment on {title}",
    "moderator.subject.held": "Held for moderation: a comment on {title}",
    "moderator.intro.new": "{author} wrote a comment on {title}. It is published.",
    "moderator.intro.held": (
        "{author} wrote a comment on {title}. It is held for moderation: readers see it "
        "only once you approve it."
    ),
    "moderator.intro.spam": (
        "{author} wrote a comment on {title}. It was put in spam: readers see it only if "
        "you approve it."
    ),
    "moderator.held_because": "Held because: {reason}",
    "moderator.author": "Name",
    "moderator.email": "E-mail",
    "moderator.website": "Website",
    "moderator.date": "Date",
    "moderator.action.approve": "Approve",
    "moderator.action.reject": "Reject",
    "moderator.action.spam": "Mark as spam",
    "moderator.actions_note": "Each link opens a page where you confirm the action.",
    "moderator.queue": "Open the moderation queue",
    "digest.subject": "Comments from {since} to {until}",
    "digest.intro": "What happened on {site} from {since} to {until}:",
    "digest.total": "New comments",
    "digest.more": "Comments not listed here: {n}",
    "digest.empty": "No new comments in this period.",
    "confirm.subject": "Confirm: replies to your comments on {site}",
    "confirm.intro": (
        "Someone, most likely you, asked to be told by e-mail when someone replies to your "
        "comments on {site}."
    ),
    "confirm.page": "The comment was written on this page:",
    "confirm.action": "Yes, mail me replies",
    "confirm.ignore": (
        "If you did not ask for this, ignore this mail: nothing will happen, and no further "
        "mail will come."
    ),
    "reply.subject": "{author} replied to your comment on {site}",
    "reply.intro": "{author} replied to your comment on {site}.",
    "reply.yours": "Your comment:",
    "reply.theirs": "The reply:",
    "reply.read": "Read the reply and answer",
    "reply.why": (
        "You get this mail because you asked to be told of replies to your comments on {site}."
    ),
    "reply.unsubscribe": "Stop mails about replies",
    "data.subject": "Your data on {site}",
    "data.intro": (
        "You, or someone with your address, asked for the comments and other data "
        "{site} keeps under this e-mail address."
    ),
    "data.action": "See your data, download it, or erase it",
    "data.ignore": "If you did not ask for this, ignore this mail: nothing will happen.",
}

_TR: dict[str, str] = {
    "anonymous": "Anonim",
    "open_page": "Sayfayı aç",
    "footer": "Bu e-posta {site} sitesinin yorum sistemi tarafından otomatik olarak gönderildi.",
    "status.approved": "Yayında",
    "status.pending": "Onay bekliyor",
    "status.spam": "Spam",
    "status.deleted": "Silindi",
    "moderator.subject.new": "{title} için yeni yorum",
    "moderator.subject.held": "Onay bekliyor: {title} için bir yorum",
    "moderator.intro.new": "{author}, {title} için bir yorum yazdı. Yorum yayında.",
    "moderator.intro.held": (
        "{author}, {title} için bir yorum yazdı. Yorum onay bekliyor: okurlar onu ancak siz "
        "onayladıktan sonra görür."
    ),
    "moderator.intro.spam": (
        "{author}, {title} için bir yorum yazdı. Yorum spam olarak ayrıldı: okurlar onu ancak "
        "siz onaylarsanız görür."
    ),
    "moderator.held_because": "Bekletilme nedeni: {reason}",
    "moderator.author": "Ad",
    "moderator.email": "E-posta",
    "moderator.website": "Web sitesi",
    "moderator.date": "Tarih",
    "moderator.action.approve": "Onayla",
    "moderator.action.reject": "Reddet",
    "moderator.action.spam": "Spam olarak işaretle",
    "moderator.actions_note": "Her bağlantı, işlemi onaylayacağınız bir sayfa açar.",
    "moderator.queue": "Moderasyon kuyruğunu aç",
    "digest.subject": "{since} ile {until} arasındaki yorumlar",
    "digest.intro": "{site} sitesinde {since} ile {until} arasında olanlar:",
    "digest.total": "Yeni yorumlar",
    "digest.more": "Burada listelenmeyen yorumlar: {n}",
    "digest.empty": "Bu dönemde yeni yorum yok.",
    "confirm.subject": "Onaylayın: {site} sitesindeki yorumlarınıza gelen yanıtlar",
    "confirm.intro": (
        "Birisi, büyük olasılıkla siz, {site} sitesindeki yorumlarınıza yanıt geldiğinde "
        "e-postayla haber verilmesini istedi."
    ),
    "confirm.page": "Yorum şu sayfada yazıldı:",
    "confirm.action": "Evet, yanıtları bana e-postayla gönder",
    "confirm.ignore": (
        "Bunu siz istemediyseniz bu e-postayı dikkate almayın: hiçbir şey olmaz ve başka "
        "e-posta gelmez."
    ),
    "reply.subject": "{author}, {site} sitesindeki yorumunuza yanıt verdi",
    "reply.intro": "{author}, {site} sitesindeki yorumunuza yanıt verdi.",
    "reply.yours": "Yorumunuz:",
    "reply.theirs": "Yanıt:",
    "reply.read": "Yanıtı okuyun ve cevap verin",
    "reply.why": (
        "Bu e-postayı, {site} sitesindeki yorumlarınıza gelen yanıtlardan haberdar olmak "
        "istediğiniz için alıyorsunuz."
    ),
    "reply.unsubscribe": "Yanıt e-postalarını durdur",
    "data.subject": "{site} sitesindeki verileriniz",
    "data.intro": (
        "Siz ya da adresinizi bilen biri, {site} sitesinin bu e-posta adresiyle "
        "sakladığı yorumları ve diğer verileri istedi."
    ),
    "data.action": "Verilerinizi görün, indirin ya da silin",
    "data.ignore": "Bunu siz istemediyseniz bu postayı dikkate almayın: hiçbir şey olmayacak.",
}

_DE: dict[str, str] = {
    "anonymous": "Anonym",
    "open_page": "Seite öffnen",
    "footer": "Diese E-Mail hat das Kommentarsystem von {site} automatisch verschickt.",
    "status.approved": "Veröffentlicht",
    "status.pending": "Wartet auf Freigabe",
    "status.spam": "Spam",
    "status.deleted": "Gelöscht",
    "moderator.subject.new": "Neuer Kommentar zu {title}",
    "moderator.subject.held": "Wartet auf Freigabe: ein Kommentar zu {title}",
    "moderator.intro.new": "{author} hat einen Kommentar zu {title} geschrieben. Er ist "
    "veröffentlicht.",
    "moderator.intro.held": (
        "{author} hat einen Kommentar zu {title} geschrieben. Er wartet auf Freigabe: Leser "
        "sehen ihn erst, wenn Sie ihn freigeben."
    ),
    "moderator.intro.spam": (
        "{author} hat einen Kommentar zu {title} geschrieben. Er wurde als Spam eingestuft: "
        "Leser sehen ihn nur, wenn Sie ihn freigeben."
    ),
    "moderator.held_because": "Grund für die Zurückhaltung: {reason}",
    "moderator.author": "Name",
    "moderator.email": "E-Mail",
    "moderator.website": "Website",
    "moderator.date": "Datum",
    "moderator.action.approve": "Freigeben",
    "moderator.action.reject": "Ablehnen",
    "moderator.action.spam": "Als Spam markieren",
    "moderator.actions_note": "Jeder Link öffnet eine Seite, auf der Sie die Aktion bestätigen.",
    "moderator.queue": "Moderationswarteschlange öffnen",
    "digest.subject": "Kommentare von {since} bis {until}",
    "digest.intro": "Das geschah auf {site} von {since} bis {until}:",
    "digest.total": "Neue Kommentare",
    "digest.more": "Hier nicht aufgeführte Kommentare: {n}",
    "digest.empty": "Keine neuen Kommentare in diesem Zeitraum.",
    "confirm.subject": "Bitte bestätigen: Antworten auf Ihre Kommentare auf {site}",
    "confirm.intro": (
        "Jemand, höchstwahrscheinlich Sie, möchte per E-Mail benachrichtigt werden, wenn "
        "jemand auf Ihre Kommentare auf {site} antwortet."
    ),
    "confirm.page": "Der Kommentar wurde auf dieser Seite geschrieben:",
    "confirm.action": "Ja, Antworten per E-Mail schicken",
    "confirm.ignore": (
        "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail einfach: Es "
        "passiert nichts, und Sie erhalten keine weiteren E-Mails."
    ),
    "reply.subject": "{author} hat auf Ihren Kommentar auf {site} geantwortet",
    "reply.intro": "{author} hat auf Ihren Kommentar auf {site} geantwortet.",
    "reply.yours": "Ihr Kommentar:",
    "reply.theirs": "Die Antwort:",
    "reply.read": "Antwort lesen und darauf antworten",
    "reply.why": (
        "Sie erhalten diese E-Mail, weil Sie über Antworten auf Ihre Kommentare auf {site} "
        "benachrichtigt werden möchten."
    ),
    "reply.unsubscribe": "Keine E-Mails über Antworten mehr",
    "data.subject": "Ihre Daten bei {site}",
    "data.intro": (
        "Sie oder jemand mit Ihrer Adresse hat die Kommentare und anderen Daten "
        "angefordert, die {site} unter dieser E-Mail-Adresse speichert."
    ),
    "data.action": "Ihre Daten ansehen, herunterladen oder löschen",
    "data.ignore": (
        "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Es passiert nichts."
    ),
}

_ES: dict[str, str] = {
    "anonymous": "Anónimo",
    "open_page": "Abrir la página",
    "footer": "Este correo lo ha enviado automáticamente el sistema de comentarios de {site}.",
    "status.approved": "Publicado",
    "status.pending": "Pendiente de moderación",
    "status.spam": "Spam",
    "status.deleted": "Eliminado",
    "moderator.subject.new": "Nuevo comentario en {title}",
    "moderator.subject.held": "Pendiente de moderación: un comentario en {title}",
    "moderator.intro.new": "{author} escribió un comentario en {title}. Está publicado.",
    "moderator.intro.held": (
        "{author} escribió un comentario en {title}. Está pendiente de moderación: los "
        "lectores solo lo verán cuando usted lo apruebe."
    ),
    "moderator.intro.spam": (
        "{author} escribió un comentario en {title}. Se ha marcado como spam: los lectores "
        "solo lo verán si usted lo aprueba."
    ),
    "moderator.held_because": "Retenido porque: {reason}",
    "moderator.author": "Nombre",
    "moderator.email": "Correo electrónico",
    "moderator.website": "Sitio web",
    "moderator.date": "Fecha",
    "moderator.action.approve": "Aprobar",
    "moderator.action.reject": "Rechazar",
    "moderator.action.spam": "Marcar como spam",
    "moderator.actions_note": "Cada enlace abre una página en la que usted confirma la acción.",
    "moderator.queue": "Abrir la cola de moderación",
    "digest.subject": "Comentarios desde {since} hasta {until}",
    "digest.intro": "Lo que pasó en {site} desde {since} hasta {until}:",
    "digest.total": "Comentarios nuevos",
    "digest.more": "Comentarios que no aparecen aquí: {n}",
    "digest.empty": "No hay comentarios nuevos en este periodo.",
    "confirm.subject": "Confirme: respuestas a sus comentarios en {site}",
    "confirm.intro": (
        "Alguien, probablemente usted, pidió recibir un correo cuando alguien responda a sus "
        "comentarios en {site}."
    ),
    "confirm.page": "El comentario se escribió en esta página:",
    "confirm.action": "Sí, enviarme las respuestas por correo",
    "confirm.ignore": (
        "Si no lo pidió usted, ignore este correo: no pasará nada y no recibirá más correos."
    ),
    "reply.subject": "{author} respondió a su comentario en {site}",
    "reply.intro": "{author} respondió a su comentario en {site}.",
    "reply.yours": "Su comentario:",
    "reply.theirs": "La respuesta:",
    "reply.read": "Leer la respuesta y contestar",
    "reply.why": (
        "Recibe este correo porque pidió que se le avisara de las respuestas a sus comentarios "
        "en {site}."
    ),
    "reply.unsubscribe": "Dejar de recibir correos sobre respuestas",
    "data.subject": "Tus datos en {site}",
    "data.intro": (
        "Tú, o alguien con tu dirección, pidió los comentarios y demás datos que {site} "
        "guarda con esta dirección de correo."
    ),
    "data.action": "Ver tus datos, descargarlos o borrarlos",
    "data.ignore": "Si no lo pediste, ignora este correo: no pasará nada.",
}

_FR: dict[str, str] = {
    "anonymous": "Anonyme",
    "open_page": "Ouvrir la page",
    "footer": "Ce message a été envoyé automatiquement par le système de commentaires de {site}.",
    "status.approved": "Publié",
    "status.pending": "En attente de modération",
    "status.spam": "Spam",
    "status.deleted": "Supprimé",
    "moderator.subject.new": "Nouveau commentaire sur {title}",
    "moderator.subject.held": "En attente de modération : un commentaire sur {title}",
    "moderator.intro.new": "{author} a écrit un commentaire sur {title}. Il est publié.",
    "moderator.intro.held": (
        "{author} a écrit un commentaire sur {title}. Il est en attente de modération : les "
        "lecteurs ne le verront qu'une fois que vous l'aurez approuvé."
    ),
    "moderator.intro.spam": (
        "{author} a écrit un commentaire sur {title}. Il a été classé comme spam : les "
        "lecteurs ne le verront que si vous l'approuvez."
    ),
    "moderator.held_because": "Motif de la retenue : {reason}",
    "moderator.author": "Nom",
    "moderator.email": "Adresse e-mail",
    "moderator.website": "Site web",
    "moderator.date": "Date",
    "moderator.action.approve": "Approuver",
    "moderator.action.reject": "Rejeter",
    "moderator.action.spam": "Marquer comme spam",
    "moderator.actions_note": "Chaque lien ouvre une page où vous confirmez l'action.",
    "moderator.queue": "Ouvrir la file de modération",
    "digest.subject": "Commentaires du {since} au {until}",
    "digest.intro": "Ce qui s'est passé sur {site} du {since} au {until} :",
    "digest.total": "Nouveaux commentaires",
    "digest.more": "Commentaires non listés ici : {n}",
    "digest.empty": "Aucun nouveau commentaire pendant cette période.",
    "confirm.subject": "Confirmez : réponses à vos commentaires sur {site}",
    "confirm.intro": (
        "Quelqu'un, très probablement vous, a demandé à être prévenu par e-mail quand "
        "quelqu'un répond à vos commentaires sur {site}."
    ),
    "confirm.page": "Le commentaire a été écrit sur cette page :",
    "confirm.action": "Oui, m'envoyer les réponses par e-mail",
    "confirm.ignore": (
        "Si vous n'avez rien demandé, ignorez ce message : il ne se passera rien et vous ne "
        "recevrez plus d'e-mail."
    ),
    "reply.subject": "{author} a répondu à votre commentaire sur {site}",
    "reply.intro": "{author} a répondu à votre commentaire sur {site}.",
    "reply.yours": "Votre commentaire :",
    "reply.theirs": "La réponse :",
    "reply.read": "Lire la réponse et répondre",
    "reply.why": (
        "Vous recevez ce message parce que vous avez demandé à être prévenu des réponses à "
        "vos commentaires sur {site}."
    ),
    "reply.unsubscribe": "Ne plus recevoir d'e-mails sur les réponses",
    "data.subject": "Vos données sur {site}",
    "data.intro": (
        "Vous, ou quelqu’un qui connaît votre adresse, avez demandé les commentaires et "
        "autres données que {site} conserve sous cette adresse."
    ),
    "data.action": "Voir vos données, les télécharger ou les effacer",
    "data.ignore": "Si vous n’avez rien demandé, ignorez ce courriel : rien ne se passera.",
}

_RU: dict[str, str] = {
    "anonymous": "Аноним",
    "open_page": "Открыть страницу",
    "footer": "Это письмо автоматически отправлено системой комментариев сайта {site}.",
    "status.approved": "Опубликован",
    "status.pending": "Ожидает модерации",
    "status.spam": "Спам",
    "status.deleted": "Удалён",
    "moderator.subject.new": "Новый комментарий к «{title}»",
    "moderator.subject.held": "Ожидает модерации: комментарий к «{title}»",
    "moderator.intro.new": "{author} написал(а) комментарий к «{title}». Он опубликован.",
    "moderator.intro.held": (
        "{author} написал(а) комментарий к «{title}». Он ожидает модерации: читатели увидят "
        "его только после вашего одобрения."
    ),
    "moderator.intro.spam": (
        "{author} написал(а) комментарий к «{title}». Он помечен как спам: читатели увидят "
        "его, только если вы его одобрите."
    ),
    "moderator.held_because": "Причина задержки: {reason}",
    "moderator.author": "Имя",
    "moderator.email": "Эл. почта",
    "moderator.website": "Сайт",
    "moderator.date": "Дата",
    "moderator.action.approve": "Одобрить",
    "moderator.action.reject": "Отклонить",
    "moderator.action.spam": "Пометить как спам",
    "moderator.actions_note": "Каждая ссылка открывает страницу, где нужно подтвердить действие.",
    "moderator.queue": "Открыть очередь модерации",
    "digest.subject": "Комментарии с {since} по {until}",
    "digest.intro": "Что произошло на сайте {site} с {since} по {until}:",
    "digest.total": "Новые комментарии",
    "digest.more": "Комментарии, не показанные здесь: {n}",
    "digest.empty": "За этот период новых комментариев нет.",
    "confirm.subject": "Подтвердите: ответы на ваши комментарии на сайте {site}",
    "confirm.intro": (
        "Кто-то, скорее всего вы, попросил присылать письмо, когда кто-нибудь ответит на ваши "
        "комментарии на сайте {site}."
    ),
    "confirm.page": "Комментарий был написан на этой странице:",
    "confirm.action": "Да, присылать мне ответы",
    "confirm.ignore": (
        "Если вы этого не просили, просто проигнорируйте это письмо: ничего не произойдёт, и "
        "больше писем не будет."
    ),
    "reply.subject": "{author} ответил(а) на ваш комментарий на сайте {site}",
    "reply.intro": "{author} ответил(а) на ваш комментарий на сайте {site}.",
    "reply.yours": "Ваш комментарий:",
    "reply.theirs": "Ответ:",
    "reply.read": "Прочитать ответ и ответить",
    "reply.why": (
        "Вы получили это письмо, потому что попросили сообщать об ответах на ваши комментарии "
        "на сайте {site}."
    ),
    "reply.unsubscribe": "Больше не присылать письма об ответах",
    "data.subject": "Ваши данные на {site}",
    "data.intro": (
        "Вы или кто-то, кто знает ваш адрес, запросили комментарии и другие данные, "
        "которые {site} хранит под этим адресом."
    ),
    "data.action": "Посмотреть, скачать или удалить ваши данные",
    "data.ignore": (
        "Если вы этого не запрашивали, просто проигнорируйте письмо: ничего не произойдёт."
    ),
}

_AR: dict[str, str] = {
    "anonymous": "مجهول",
    "open_page": "افتح الصفحة",
    "footer": "أُرسلت هذه الرسالة تلقائيًا من نظام التعليقات في {site}.",
    "status.approved": "منشور",
    "status.pending": "بانتظار المراجعة",
    "status.spam": "رسالة مزعجة",
    "status.deleted": "محذوف",
    "moderator.subject.new": "تعليق جديد على {title}",
    "moderator.subject.held": "بانتظار المراجعة: تعليق على {title}",
    "moderator.intro.new": "كتب {author} تعليقًا على {title}. التعليق منشور.",
    "moderator.intro.held": (
        "كتب {author} تعليقًا على {title}. التعليق بانتظار المراجعة: لن يراه القراء إلا بعد "
        "موافقتك عليه."
    ),
    "moderator.intro.spam": (
        "كتب {author} تعليقًا على {title}. صُنّف التعليق رسالةً مزعجة: لن يراه القراء إلا إذا "
        "وافقت عليه."
    ),
    "moderator.held_because": "سبب الحجز: {reason}",
    "moderator.author": "الاسم",
    "moderator.email": "البريد الإلكتروني",
    "moderator.website": "الموقع",
    "moderator.date": "التاريخ",
    "moderator.action.approve": "موافقة",
    "moderator.action.reject": "رفض",
    "moderator.action.spam": "وسم كرسالة مزعجة",
    "moderator.actions_note": "يفتح كل رابط صفحة تؤكد فيها الإجراء.",
    "moderator.queue": "افتح قائمة المراجعة",
    "digest.subject": "التعليقات من {since} إلى {until}",
    "digest.intro": "ما جرى في {site} من {since} إلى {until}:",
    "digest.total": "تعليقات جديدة",
    "digest.more": "تعليقات غير مدرجة هنا: {n}",
    "digest.empty": "لا تعليقات جديدة في هذه الفترة.",
    "confirm.subject": "تأكيد: الردود على تعليقاتك في {site}",
    "confirm.intro": (
        "طلب شخص ما، على الأرجح أنت، أن يُبلَّغ بالبريد الإلكتروني عندما يرد أحد على تعليقاتك "
        "في {site}."
    ),
    "confirm.page": "كُتب التعليق في هذه الصفحة:",
    "confirm.action": "نعم، أرسل لي الردود بالبريد",
    "confirm.ignore": "إن لم تطلب ذلك فتجاهل هذه الرسالة: لن يحدث شيء ولن تصلك رسائل أخرى.",
    "reply.subject": "ردّ {author} على تعليقك في {site}",
    "reply.intro": "ردّ {author} على تعليقك في {site}.",
    "reply.yours": "تعليقك:",
    "reply.theirs": "الرد:",
    "reply.read": "اقرأ الرد وأجب عليه",
    "reply.why": "تصلك هذه الرسالة لأنك طلبت أن تُبلَّغ بالردود على تعليقاتك في {site}.",
    "reply.unsubscribe": "أوقف رسائل الردود",
    "data.subject": "بياناتك على {site}",
    "data.intro": (
        "طلبتَ أنت، أو شخص يعرف عنوانك، التعليقات والبيانات الأخرى التي يحتفظ بها "
        "{site} بهذا العنوان."
    ),
    "data.action": "اعرض بياناتك أو نزّلها أو امحها",
    "data.ignore": "إن لم تطلب ذلك فتجاهل هذه الرسالة: لن يحدث شيء.",
}

_FA: dict[str, str] = {
    "anonymous": "ناشناس",
    "open_page": "باز کردن صفحه",
    "footer": "این نامه به‌طور خودکار از سامانهٔ دیدگاه‌های {site} فرستاده شده است.",
    "status.approved": "منتشرشده",
    "status.pending": "در انتظار بررسی",
    "status.spam": "هرزنامه",
    "status.deleted": "حذف‌شده",
    "moderator.subject.new": "دیدگاه تازه دربارهٔ {title}",
    "moderator.subject.held": "در انتظار بررسی: دیدگاهی دربارهٔ {title}",
    "moderator.intro.new": "{author} دیدگاهی دربارهٔ {title} نوشت. این دیدگاه منتشر شده است.",
    "moderator.intro.held": (
        "{author} دیدگاهی دربارهٔ {title} نوشت. این دیدگاه در انتظار بررسی است: خوانندگان "
        "تنها پس از تأیید شما آن را می‌بینند."
    ),
    "moderator.intro.spam": (
        "{author} دیدگاهی دربارهٔ {title} نوشت. این دیدگاه هرزنامه شناخته شد: خوانندگان تنها "
        "در صورت تأیید شما آن را می‌بینند."
    ),
    "moderator.held_because": "دلیل نگه‌داشتن: {reason}",
    "moderator.author": "نام",
    "moderator.email": "ایمیل",
    "moderator.website": "وب‌سایت",
    "moderator.date": "تاریخ",
    "moderator.action.approve": "تأیید",
    "moderator.action.reject": "رد",
    "moderator.action.spam": "علامت‌گذاری به‌عنوان هرزنامه",
    "moderator.actions_note": "هر پیوند صفحه‌ای را باز می‌کند که در آن کار را تأیید می‌کنید.",
    "moderator.queue": "باز کردن صف بررسی",
    "digest.subject": "دیدگاه‌ها از {since} تا {until}",
    "digest.intro": "آنچه در {site} از {since} تا {until} گذشت:",
    "digest.total": "دیدگاه‌های تازه",
    "digest.more": "دیدگاه‌هایی که اینجا نیامده‌اند: {n}",
    "digest.empty": "در این بازه دیدگاه تازه‌ای نیست.",
    "confirm.subject": "تأیید: پاسخ‌ها به دیدگاه‌های شما در {site}",
    "confirm.intro": (
        "کسی، به احتمال زیاد خود شما، خواسته است هنگامی که کسی به دیدگاه‌های شما در {site} "
        "پاسخ می‌دهد، با ایمیل باخبر شود."
    ),
    "confirm.page": "دیدگاه در این صفحه نوشته شده است:",
    "confirm.action": "بله، پاسخ‌ها را برایم ایمیل کن",
    "confirm.ignore": (
        "اگر شما چنین درخواستی نداده‌اید، این نامه را نادیده بگیرید: هیچ اتفاقی نمی‌افتد و "
        "نامهٔ دیگری نمی‌آید."
    ),
    "reply.subject": "{author} به دیدگاه شما در {site} پاسخ داد",
    "reply.intro": "{author} به دیدگاه شما در {site} پاسخ داد.",
    "reply.yours": "دیدگاه شما:",
    "reply.theirs": "پاسخ:",
    "reply.read": "خواندن پاسخ و پاسخ دادن",
    "reply.why": (
        "این نامه را دریافت می‌کنید چون خواسته‌اید از پاسخ‌ها به دیدگاه‌هایتان در {site} باخبر شوید."
    ),
    "reply.unsubscribe": "دیگر ایمیل پاسخ‌ها را نفرست",
    "data.subject": "داده\u200cهای شما در {site}",
    "data.intro": (
        "شما، یا کسی که نشانی شما را دارد، نظرها و دیگر داده\u200cهایی را که {site} با "
        "این نشانی نگه می\u200cدارد درخواست کرده است."
    ),
    "data.action": "داده\u200cهایتان را ببینید، بارگیری یا پاک کنید",
    "data.ignore": (
        "اگر شما درخواست نکرده\u200cاید این نامه را نادیده بگیرید: اتفاقی نمی\u200cافتد."
    ),
}

CATALOGS: dict[str, dict[str, str]] = {
    "en": _EN,
    "tr": _TR,
    "de": _DE,
    "es": _ES,
    "fr": _FR,
    "ru": _RU,
    "ar": _AR,
    "fa": _FA,
}


@dataclass(frozen=True)
class Strings:
    """The mail wording of one language: ``strings("reply.intro", author=..., site=...)``."""

    language: str

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``, for the HTML part's ``dir`` attribute."""
        return "rtl" if self.language in RIGHT_TO_LEFT else "ltr"

    def __call__(self, key: str, **values: object) -> str:
        """The text of ``key`` with ``values`` filled in (English if this one lacks it)."""
        text = CATALOGS[self.language].get(key) or _EN[key]
        return text.format(**values) if values else text


def for_language(tag: str) -> Strings:
    """The wording for a language tag such as ``tr`` or ``pt-BR`` (English if none)."""
    base = tag.strip().lower().replace("_", "-").split("-")[0]
    return Strings(base if base in CATALOGS else DEFAULT)
