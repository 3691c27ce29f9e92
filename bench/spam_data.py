"""A labelled set of comments for measuring yorum's spam scorers, made from templates.

Spam and genuine ("ham") comments in English, Turkish, German, Spanish, French, Russian
and Arabic. The genuine ones include the comments a spam filter gets wrong most easily:
links to documentation, code, acronyms in capitals, numbers, non-Latin scripts, short
replies, and people discussing spam itself. The spam includes disguised spellings
(look-alike letters, digits for letters, spaced-out words). Everything is generated from
the templates below with a seeded random generator, so a run is repeatable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """One labelled comment."""

    text: str
    spam: bool
    author: str = ""
    email: str = ""
    website: str = ""
    template: int = 0  # which template it was made from (to hold whole templates out)


_SPAM = [
    "Buy {drug} online without prescription, cheapest price: {url}",
    "{Drug} 100mg only $0.{n}9 per pill!!! Order now at {url}",
    "Best online {casino}: free spins and {n}00% welcome bonus at {url}",
    "I earn ${n}00 a day working from home. Make money like me: {url}",
    "Need a payday loan? Bad credit ok, apply in 5 minutes {url}",
    "Double your bitcoin in 24h, crypto investment guaranteed. Contact telegram @cryptoking{n}",
    "Hello dear, I am a recovery expert. WhatsApp +1 555 {n}12 3456 for your lost wallet",
    "Nice post! Check my site {url} {url} {url} {url}",
    "{url}",
    "Great article. We offer SEO services and backlinks, cheap followers: {url}",
    "HOT SINGLES IN YOUR AREA WANT TO MEET YOU TONIGHT CLICK {url}",
    "Cheap V1AGRA and C1AL1S, fast shipping worldwide {url}",
    "v.i.a.g.r.a discount here {url}",
    "Віаgrа and саsіnо bonus, visit {url}",
    "Deneme bonusu veren bahis siteleri, kazanmak için tıkla {url}",
    "En iyi casino siteleri ve bahis bonusları burada: {url}",
    "Kredi notu düşük olanlara hemen kredi, WhatsApp +90 5{n}2 123 45 67",
    "Beste Online-Casino mit Freispielen und Bonus: {url}",
    "Sportwetten Bonus {n}00 Euro, jetzt registrieren {url}",
    "Préstamos rápidos sin aval, escríbenos por WhatsApp +34 6{n}1 234 567",
    "Las mejores apuestas y casino online, bono gratis: {url}",
    "Gagner de l'argent depuis chez vous, {n}00 euros par jour: {url}",
    "Лучшее онлайн казино, бонус {n}00% для новых игроков {url}",
    "Быстрые займы без отказа, пишите в телеграм @zaim{n}",
    "أفضل كازينو اون لاين casino بونص مجاني {url}",
    "amazing!!!!!!!!!!!! visit {url} for free iphone giveaway",
    "Earn money fast with binary options and forex signals, join {url}",
    "Get {n}000 real Instagram followers cheap: {url}",
]

_HAM = [
    "Thanks for writing this, the part about {topic} finally made it click for me.",
    "I disagree with the second point. In my experience {topic} works better when you start small.",
    "Small typo in the third paragraph: 'their' should be 'there'.",
    "The official docs explain it well: {docs}",
    "You can reproduce it with `pip install {pkg}==1.{n}.0` and then `python -m {pkg} --help`.",
    "Here is the fix I used:\n\n```python\nfor item in items[:{n}]:\n    print(item)\n```",
    "NASA and the ESA both published the data; the FAQ at {docs} has the numbers.",
    "My grandmother always said: NEVER trust a recipe without butter. She was right.",
    "Great photos! Which lens did you use for the {n}th one?",
    "+1, same problem here on version 2.{n}.",
    "Has anyone tried this with {topic}? I'd love to hear how it went.",
    "We discussed spam filters at work today, funny coincidence. Casinos and pills everywhere.",
    "Harika bir yazı olmuş, {topic} konusunu çok iyi anlatmışsınız. Teşekkürler!",
    "İstanbul'da da aynı sorunu yaşıyoruz, belediye {n} yıldır bir şey yapmıyor.",
    "Kodda küçük bir hata var: `range({n})` yerine `range(len(x))` olmalı.",
    "Sehr schöner Artikel, vor allem der Teil über {topic} hat mir gefallen.",
    "Ich habe das mit Python 3.{n} getestet und es funktioniert.",
    "Muy buen artículo, gracias por compartir. ¿Tienes la fuente del gráfico?",
    "Merci pour cet article très clair sur {topic}.",
    "Спасибо за статью, очень полезно. Попробую на своём проекте.",
    "Отличный разбор, но в примере {n} не хватает проверки на ошибки.",
    "شكرا على هذا المقال الرائع، استفدت كثيرا",
    "مقالة ممتازة عن {topic}، هل يوجد جزء ثاني؟",
    "I called the city office ({n}) and they said the road opens on Monday.",
    "See also {docs} and {docs2} for the background.",
    "LOL. This is the best thing I've read all week.",
    "Agreed.",
    "The benchmark in the article uses {n} threads; with more the numbers change a lot.",
]

_DRUGS = ["viagra", "cialis", "tramadol", "xanax"]
_CASINOS = ["casino", "c4sino", "casino bet365", "poker online"]
_SPAM_HOSTS = ["bit.ly/{c}", "cheap-meds-{c}.example", "win-{c}.example", "tinyurl.com/{c}",
               "best-offer-{c}.example", "t.co/{c}"]  # fmt: skip
_DOCS = ["https://docs.python.org/3/library/re.html", "https://en.wikipedia.org/wiki/Compost",
         "https://developer.mozilla.org/en-US/docs/Web/HTTP", "https://www.postgresql.org/docs/",
         "https://github.com/example/project/issues/{n}"]  # fmt: skip
_TOPICS = ["compost", "sourdough", "PostgreSQL indexes", "bike lanes", "the tram line",
           "unit tests", "tomatoes", "the new library", "solar panels", "CSS grid"]  # fmt: skip
_PKGS = ["requests", "numpy", "yorum", "httpx"]
_NAMES = ["Ayşe", "Mehmet", "Anna", "Jonas", "María", "Léa", "Дмитрий", "فاطمة", "Sam", ""]


def _fill(template: str, rng: random.Random) -> str:
    def url() -> str:
        return "https://" + rng.choice(_SPAM_HOSTS).format(c=rng.randrange(100, 999))

    text = template
    while "{url}" in text:
        text = text.replace("{url}", url(), 1)
    drug = rng.choice(_DRUGS)
    docs = rng.sample(_DOCS, 2)
    return text.format(
        drug=drug,
        Drug=drug.capitalize(),
        casino=rng.choice(_CASINOS),
        n=rng.randrange(1, 9),
        topic=rng.choice(_TOPICS),
        docs=docs[0].format(n=rng.randrange(10, 999)),
        docs2=docs[1].format(n=rng.randrange(10, 999)),
        pkg=rng.choice(_PKGS),
    )


def samples(count: int = 600, seed: int = 7, spam_share: float = 0.4) -> list[Sample]:
    """``count`` labelled comments in random order, about ``spam_share`` of them spam."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        spam = rng.random() < spam_share
        templates = _SPAM if spam else _HAM
        index = rng.randrange(len(templates))
        name = rng.choice(_NAMES)
        email = "" if spam or rng.random() < 0.5 else f"reader{rng.randrange(1000)}@example.org"
        text = _fill(templates[index], rng)
        out.append(Sample(text, spam, author=name, email=email, template=index))
    return out
