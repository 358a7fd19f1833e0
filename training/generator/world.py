"""Invented but realistic people, businesses, domains and interface strings in seven languages.

Everything here is made up: domains live on reserved TLDs (.example / .test / .invalid, RFC 2606 / 6761), so no
generated link can ever point at a real site.
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

TLDS = ("example", "test", "invalid")
LANGS = ("en", "de", "fr", "es", "it", "nl", "pt")

FIRST = {
    "en": "James Emma Oliver Sophie Daniel Grace Michael Olivia Ryan Chloe David Hannah Mark Laura Kevin Megan".split(),
    "de": "Lukas Anna Jonas Lena Felix Marie Tobias Julia Stefan Katrin Jan Sabine Matthias Laura Florian Nina".split(),
    "fr": "Lucas Camille Hugo Chloé Louis Manon Julien Léa Thomas Inès Nicolas Claire Antoine Juliette".split(),
    "es": "Pablo Lucía Javier María Carlos Sofía Diego Elena Alejandro Carmen Sergio Paula Andrés Marta".split(),
    "it": "Marco Giulia Luca Francesca Matteo Chiara Andrea Sara Davide Elena Simone Martina Paolo Valentina".split(),
    "nl": "Daan Emma Sem Julia Lars Sanne Bram Lotte Thijs Fleur Ruben Anouk Jeroen Eva Niels Iris".split(),
    "pt": "João Ana Pedro Beatriz Tiago Inês Rafael Mariana Miguel Carolina Bruno Joana Diogo Rita".split(),
}
LAST = {
    "en": "Smith Johnson Carter Hughes Bennett Walsh Turner Morgan Price Fletcher Reed Dawson Hayes".split(),
    "de": "Müller Schmidt Schneider Fischer Weber Becker Hoffmann Schäfer Koch Richter Wolf Neumann".split(),
    "fr": "Martin Bernard Dubois Moreau Laurent Lefèvre Roux Fontaine Girard Mercier Blanc Garnier".split(),
    "es": "García Fernández López Martínez Sánchez Romero Navarro Torres Domínguez Gil Ruiz Moreno".split(),
    "it": "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti".split(),
    "nl": "de Jong Jansen de Vries van den Berg Bakker Visser Smit Meijer de Boer Mulder Bos Vos".split(),
    "pt": "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Sousa Fernandes Gomes Lopes".split(),
}
CITIES = {
    "en": [("London", "SW1A", "+44 20"), ("Manchester", "M1", "+44 161"), ("Denver", "CO 80202", "+1 303"),
           ("Austin", "TX 78701", "+1 512"), ("Leeds", "LS1", "+44 113"), ("Portland", "OR 97205", "+1 503")],
    "de": [("Berlin", "10115", "+49 30"), ("München", "80331", "+49 89"), ("Hamburg", "20095", "+49 40"),
           ("Köln", "50667", "+49 221"), ("Leipzig", "04109", "+49 341"), ("Graz", "8010", "+43 316")],
    "fr": [("Paris", "75011", "+33 1"), ("Lyon", "69002", "+33 4"), ("Nantes", "44000", "+33 2"),
           ("Bordeaux", "33000", "+33 5"), ("Lille", "59000", "+33 3"), ("Genève", "1201", "+41 22")],
    "es": [("Madrid", "28004", "+34 91"), ("Barcelona", "08010", "+34 93"), ("Valencia", "46002", "+34 96"),
           ("Sevilla", "41001", "+34 95"), ("Bilbao", "48001", "+34 94"), ("Zaragoza", "50001", "+34 976")],
    "it": [("Milano", "20121", "+39 02"), ("Roma", "00184", "+39 06"), ("Torino", "10121", "+39 011"),
           ("Bologna", "40121", "+39 051"), ("Firenze", "50122", "+39 055"), ("Napoli", "80133", "+39 081")],
    "nl": [("Amsterdam", "1012 AB", "+31 20"), ("Utrecht", "3511 LX", "+31 30"), ("Rotterdam", "3011 AD", "+31 10"),
           ("Gent", "9000", "+32 9"), ("Eindhoven", "5611 EM", "+31 40"), ("Groningen", "9711 LM", "+31 50")],
    "pt": [("Lisboa", "1100-148", "+351 21"), ("Porto", "4000-322", "+351 22"), ("Braga", "4700-035", "+351 253"),
           ("Coimbra", "3000-150", "+351 239"), ("Faro", "8000-138", "+351 289"), ("São Paulo", "01310-100", "+55 11")],
}
STREET = {"en": "{n} {w} {s}", "de": "{w}{s} {n}", "fr": "{n} {s} {w}", "es": "{s} {w}, {n}",
          "it": "{s} {w} {n}", "nl": "{w}{s} {n}", "pt": "{s} {w}, {n}"}
STREET_KIND = {"en": ["Street", "Road", "Avenue", "Lane"], "de": ["straße", "weg", "allee", "gasse"],
               "fr": ["rue", "avenue", "boulevard", "place"], "es": ["Calle", "Avenida", "Paseo", "Plaza"],
               "it": ["Via", "Corso", "Viale", "Piazza"], "nl": ["straat", "laan", "weg", "plein"],
               "pt": ["Rua", "Avenida", "Travessa", "Largo"]}
STREET_WORD = {"en": ["Church", "Mill", "Station", "Park", "High", "Victoria", "Oak", "Bridge"],
               "de": ["Haupt", "Bahnhof", "Linden", "Garten", "Schiller", "Berg", "Kirch", "Mühlen"],
               "fr": ["de la Paix", "Victor Hugo", "du Moulin", "des Lilas", "Pasteur", "de la Gare"],
               "es": ["Mayor", "del Sol", "de Goya", "Real", "de la Paz", "de Alcalá"],
               "it": ["Roma", "Garibaldi", "Dante", "Mazzini", "Verdi", "del Corso", "Cavour"],
               "nl": ["Kerk", "Molen", "Stations", "Linden", "Dorps", "Park", "Beuken", "Rozen"],
               "pt": ["Augusta", "das Flores", "do Carmo", "da Liberdade", "Direita", "do Sol"]}
TRADES = {  # (display name, slug words for the business's own URL)
    "en": ["Plumbing", "Dental Care", "Roofing", "Bakery", "Law Firm", "Auto Repair", "Florist", "Accountants",
           "Yoga Studio", "Pet Grooming", "Web Design", "Removals", "Locksmith", "Photography", "Catering"],
    "de": ["Sanitär", "Zahnarztpraxis", "Dachdeckerei", "Bäckerei", "Rechtsanwälte", "Autowerkstatt", "Blumen",
           "Steuerberatung", "Malerbetrieb", "Umzüge", "Schlüsseldienst", "Fotostudio", "Physiotherapie"],
    "fr": ["Plomberie", "Cabinet dentaire", "Couverture", "Boulangerie", "Avocats", "Garage", "Fleuriste",
           "Expert-comptable", "Déménagement", "Serrurerie", "Photographe", "Traiteur", "Coiffure"],
    "es": ["Fontanería", "Clínica dental", "Tejados", "Panadería", "Abogados", "Taller mecánico", "Floristería",
           "Asesoría", "Mudanzas", "Cerrajería", "Fotografía", "Catering", "Peluquería"],
    "it": ["Idraulico", "Studio dentistico", "Coperture", "Panificio", "Studio legale", "Autofficina", "Fioraio",
           "Commercialista", "Traslochi", "Fabbro", "Fotografo", "Catering", "Parrucchiere"],
    "nl": ["Loodgieter", "Tandartspraktijk", "Dakdekker", "Bakkerij", "Advocaten", "Autogarage", "Bloemist",
           "Boekhouder", "Verhuizingen", "Slotenmaker", "Fotografie", "Catering", "Kapsalon"],
    "pt": ["Canalização", "Clínica dentária", "Telhados", "Padaria", "Advogados", "Oficina auto", "Florista",
           "Contabilidade", "Mudanças", "Serralharia", "Fotografia", "Catering", "Cabeleireiro"],
}
LEGAL = {"en": ["Ltd", "LLC", "& Sons", "Co.", ""], "de": ["GmbH", "& Co. KG", "e.K.", ""],
         "fr": ["SARL", "SAS", "& Fils", ""], "es": ["S.L.", "S.A.", "e Hijos", ""], "it": ["S.r.l.", "S.p.A.", "& Figli", ""],
         "nl": ["B.V.", "V.O.F.", "& Zn.", ""], "pt": ["Lda.", "S.A.", "& Filhos", ""]}
BRAND_PARTS = ("nord blue oak stone swift prime bright cedar urban river summit harbor clear silver copper atlas "
               "nova vista crest maple alpine linden sol luna terra verde mar fjord pixel orbit kobalt zen").split()

UI = {  # interface strings a site in that language shows
    "en": dict(home="Home", about="About", contact="Contact", blog="Blog", website="Website", visit="Visit website",
               address="Address", phone="Phone", reviews="reviews", submit="Submit your site", add="Add listing",
               categories="Categories", search="Search", reply="Reply", leave="Leave a Reply", said="says",
               cookie="We use cookies to improve your experience. By continuing you accept our cookie policy.",
               accept="Accept", newsletter="Subscribe to our newsletter", related="Related posts",
               more="You may also like", share="Share this", posted="Posted by", read="Read more",
               partners="Our partners", links="Useful links", exchange="Link exchange", resources="Resources",
               privacy="Privacy policy", imprint="Terms", hours="Opening hours", results="results",
               sponsored="Sponsored", ad="Advertisement", member="Member", joined="Joined", posts="Posts",
               about_me="About me", interests="Interests", comments="Comments", further="Further reading"),
    "de": dict(home="Startseite", about="Über uns", contact="Kontakt", blog="Blog", website="Webseite",
               visit="Zur Webseite", address="Adresse", phone="Telefon", reviews="Bewertungen",
               submit="Eintrag hinzufügen", add="Firma eintragen", categories="Kategorien", search="Suche",
               reply="Antworten", leave="Schreibe einen Kommentar", said="sagt",
               cookie="Diese Website verwendet Cookies. Mit der Nutzung stimmen Sie der Datenschutzerklärung zu.",
               accept="Einverstanden", newsletter="Newsletter abonnieren", related="Ähnliche Beiträge",
               more="Das könnte Sie auch interessieren", share="Teilen", posted="Veröffentlicht von",
               read="Weiterlesen", partners="Unsere Partner", links="Nützliche Links", exchange="Linktausch",
               resources="Linkliste", privacy="Datenschutz", imprint="Impressum", hours="Öffnungszeiten",
               results="Treffer", sponsored="Anzeige", ad="Werbung", member="Mitglied", joined="Registriert",
               posts="Beiträge", about_me="Über mich", interests="Interessen", comments="Kommentare",
               further="Weiterführende Links"),
    "fr": dict(home="Accueil", about="À propos", contact="Contact", blog="Blog", website="Site web",
               visit="Visiter le site", address="Adresse", phone="Téléphone", reviews="avis",
               submit="Proposer un site", add="Ajouter une fiche", categories="Catégories", search="Rechercher",
               reply="Répondre", leave="Laisser un commentaire", said="dit",
               cookie="Ce site utilise des cookies. En poursuivant, vous acceptez notre politique de confidentialité.",
               accept="J'accepte", newsletter="Abonnez-vous à la newsletter", related="Articles similaires",
               more="À lire aussi", share="Partager", posted="Publié par", read="Lire la suite",
               partners="Nos partenaires", links="Liens utiles", exchange="Échange de liens", resources="Ressources",
               privacy="Confidentialité", imprint="Mentions légales", hours="Horaires", results="résultats",
               sponsored="Sponsorisé", ad="Publicité", member="Membre", joined="Inscrit le", posts="Messages",
               about_me="À propos de moi", interests="Centres d'intérêt", comments="Commentaires",
               further="Pour aller plus loin"),
    "es": dict(home="Inicio", about="Quiénes somos", contact="Contacto", blog="Blog", website="Sitio web",
               visit="Visitar web", address="Dirección", phone="Teléfono", reviews="opiniones",
               submit="Añadir sitio", add="Alta de empresa", categories="Categorías", search="Buscar",
               reply="Responder", leave="Deja un comentario", said="dice",
               cookie="Utilizamos cookies para mejorar tu experiencia. Si continúas navegando, aceptas su uso.",
               accept="Aceptar", newsletter="Suscríbete al boletín", related="Entradas relacionadas",
               more="También te puede interesar", share="Compartir", posted="Publicado por", read="Leer más",
               partners="Nuestros socios", links="Enlaces de interés", exchange="Intercambio de enlaces",
               resources="Recursos", privacy="Privacidad", imprint="Aviso legal", hours="Horario",
               results="resultados", sponsored="Patrocinado", ad="Publicidad", member="Miembro",
               joined="Registrado", posts="Mensajes", about_me="Sobre mí", interests="Intereses",
               comments="Comentarios", further="Lecturas recomendadas"),
    "it": dict(home="Home", about="Chi siamo", contact="Contatti", blog="Blog", website="Sito web",
               visit="Visita il sito", address="Indirizzo", phone="Telefono", reviews="recensioni",
               submit="Segnala un sito", add="Aggiungi attività", categories="Categorie", search="Cerca",
               reply="Rispondi", leave="Lascia un commento", said="dice",
               cookie="Questo sito utilizza cookie. Continuando la navigazione accetti l'uso dei cookie.",
               accept="Accetto", newsletter="Iscriviti alla newsletter", related="Articoli correlati",
               more="Potrebbe interessarti", share="Condividi", posted="Pubblicato da", read="Leggi tutto",
               partners="I nostri partner", links="Link utili", exchange="Scambio link", resources="Risorse",
               privacy="Privacy", imprint="Note legali", hours="Orari", results="risultati",
               sponsored="Sponsorizzato", ad="Pubblicità", member="Membro", joined="Iscritto", posts="Messaggi",
               about_me="Su di me", interests="Interessi", comments="Commenti", further="Approfondimenti"),
    "nl": dict(home="Home", about="Over ons", contact="Contact", blog="Blog", website="Website",
               visit="Bezoek website", address="Adres", phone="Telefoon", reviews="beoordelingen",
               submit="Site aanmelden", add="Bedrijf toevoegen", categories="Categorieën", search="Zoeken",
               reply="Reageren", leave="Laat een reactie achter", said="zegt",
               cookie="Deze website gebruikt cookies. Door verder te gaan ga je akkoord met ons cookiebeleid.",
               accept="Akkoord", newsletter="Schrijf je in voor de nieuwsbrief", related="Gerelateerde berichten",
               more="Misschien ook interessant", share="Delen", posted="Geplaatst door", read="Lees meer",
               partners="Onze partners", links="Handige links", exchange="Linkruil", resources="Links",
               privacy="Privacy", imprint="Disclaimer", hours="Openingstijden", results="resultaten",
               sponsored="Gesponsord", ad="Advertentie", member="Lid", joined="Lid sinds", posts="Berichten",
               about_me="Over mij", interests="Interesses", comments="Reacties", further="Verder lezen"),
    "pt": dict(home="Início", about="Sobre nós", contact="Contacto", blog="Blog", website="Website",
               visit="Visitar site", address="Morada", phone="Telefone", reviews="avaliações",
               submit="Sugerir site", add="Adicionar empresa", categories="Categorias", search="Pesquisar",
               reply="Responder", leave="Deixe um comentário", said="diz",
               cookie="Este site utiliza cookies. Ao continuar a navegar, aceita a nossa política de cookies.",
               accept="Aceitar", newsletter="Subscreva a newsletter", related="Artigos relacionados",
               more="Também lhe pode interessar", share="Partilhar", posted="Publicado por", read="Ler mais",
               partners="Parceiros", links="Links úteis", exchange="Troca de links", resources="Recursos",
               privacy="Privacidade", imprint="Termos", hours="Horário", results="resultados",
               sponsored="Patrocinado", ad="Publicidade", member="Membro", joined="Registado", posts="Mensagens",
               about_me="Sobre mim", interests="Interesses", comments="Comentários", further="Leituras recomendadas"),
}
GUEST_MARKERS = {  # byline / disclosure phrasings; {a} author, {c} company
    "en": ["Guest post by {a}", "This is a guest post by {a} of {c}.", "Contributed by {a}, {c}",
           "This post was written by {a} of {c}.", "Sponsored post", "Partner content: in collaboration with {c}",
           "Guest author: {a}", "This article is sponsored by {c}.", "Written by {a} for {c}"],
    "de": ["Gastbeitrag von {a}", "Dieser Gastartikel wurde von {a} ({c}) verfasst.", "Anzeige",
           "Gesponserter Beitrag in Zusammenarbeit mit {c}", "Ein Beitrag von {a}, {c}", "Werbung: {c}"],
    "fr": ["Article invité de {a}", "Article sponsorisé", "Cet article a été rédigé par {a} de {c}.",
           "Contenu partenaire, en collaboration avec {c}", "Publi-rédactionnel : {c}"],
    "es": ["Artículo invitado de {a}", "Contenido patrocinado por {c}", "Este artículo fue escrito por {a} de {c}.",
           "Colaboración con {c}", "Artículo patrocinado"],
    "it": ["Articolo ospite di {a}", "Contenuto sponsorizzato da {c}", "Questo articolo è stato scritto da {a} di {c}.",
           "In collaborazione con {c}", "Articolo sponsorizzato"],
    "nl": ["Gastblog door {a}", "Gesponsorde bijdrage van {c}", "Dit artikel is geschreven door {a} van {c}.",
           "In samenwerking met {c}", "Advertorial"],
    "pt": ["Artigo convidado de {a}", "Conteúdo patrocinado por {c}", "Este artigo foi escrito por {a} da {c}.",
           "Em parceria com {c}", "Publicidade"],
}
BIO = {"en": "{a} is the founder of {c}, where she writes about {t}.", "de": "{a} ist Geschäftsführer von {c} und schreibt über {t}.",
       "fr": "{a} dirige {c} et écrit sur {t}.", "es": "{a} es fundador de {c} y escribe sobre {t}.",
       "it": "{a} è fondatore di {c} e scrive di {t}.", "nl": "{a} is oprichter van {c} en schrijft over {t}.",
       "pt": "{a} é fundador da {c} e escreve sobre {t}."}
COMMENTS = {
    "en": ["Great post, thanks for sharing!", "Very informative article, I learned a lot.", "Nice write-up. Bookmarked.",
           "I have been looking for this information for a long time.", "Thanks, this helped me a lot with my project.",
           "Interesting read. Keep up the good work!", "I completely agree with your points here."],
    "de": ["Toller Beitrag, danke fürs Teilen!", "Sehr informativ, vielen Dank.", "Genau das habe ich gesucht.",
           "Interessanter Artikel, weiter so!"],
    "fr": ["Super article, merci pour le partage !", "Très instructif, merci.", "Exactement ce que je cherchais.",
           "Article intéressant, continuez comme ça !"],
    "es": ["¡Gran artículo, gracias por compartir!", "Muy informativo, gracias.", "Justo lo que buscaba.",
           "Interesante lectura, ¡sigue así!"],
    "it": ["Ottimo articolo, grazie per la condivisione!", "Molto utile, grazie.", "Proprio quello che cercavo."],
    "nl": ["Mooi artikel, bedankt voor het delen!", "Heel informatief, dank je.", "Precies wat ik zocht."],
    "pt": ["Ótimo artigo, obrigado por partilhar!", "Muito informativo, obrigado.", "Era mesmo isto que procurava."],
}
# Commercial niches: (anchor phrases, url slug) – what guest posts, PBNs and link farms sell.
NICHES = [
    (["best seo services", "seo agency", "local seo company"], "seo-services"),
    (["affordable web design", "web design agency", "website design"], "web-design"),
    (["cheap car insurance", "car insurance quotes", "compare car insurance"], "car-insurance"),
    (["home loan rates", "mortgage calculator", "refinance mortgage"], "mortgage"),
    (["luxury hotel deals", "cheap flights", "last minute holidays"], "travel-deals"),
    (["crypto trading platform", "buy bitcoin", "forex signals"], "crypto"),
    (["kitchen remodeling", "bathroom renovation", "roof repair"], "home-improvement"),
    (["personal injury lawyer", "divorce attorney", "immigration lawyer"], "lawyer"),
    (["buy running shoes", "womens fashion online", "designer handbags"], "shop"),
    (["teeth whitening", "dental implants cost", "invisible braces"], "dental"),
    (["cbd oil for pain", "weight loss supplements", "keto diet pills"], "health"),
    (["moving company", "storage units", "house cleaning service"], "home-services"),
    (["online mba programs", "learn english online", "coding bootcamp"], "education"),
    (["solar panels installation", "heat pump prices", "electric car charger"], "energy"),
]
SPAM_NICHES = [
    (["cheap viagra online", "buy cialis without prescription", "generic levitra"], "pharmacy"),
    (["best online casino", "free spins no deposit", "online slots real money"], "casino"),
    (["payday loans no credit check", "instant cash loans", "bad credit loans"], "loans"),
    (["buy essay online", "write my essay cheap", "essay writing service"], "essays"),
    (["replica watches", "fake rolex for sale", "cheap louis vuitton bags"], "replica"),
    (["buy instagram followers", "cheap youtube views", "buy tiktok likes"], "followers"),
    (["adult dating", "hot singles near you", "webcam chat"], "dating"),
]
EDITORIAL_SOURCES = ("statistics office", "university", "ministry", "research institute", "museum", "library",
                     "journal", "observatory", "foundation", "archive", "association", "agency")


def slug(text: str, sep: str = "-") -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", sep, ascii_).strip(sep)


@dataclass(frozen=True, slots=True)
class Business:
    name: str
    trade: str
    street: str
    postcode: str
    city: str
    phone: str
    rating: float
    reviews: int
    url: str
    email: str
    lang: str


class World:
    """The invented world of one run: every domain handed out once, so labelled targets never collide."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def domain(self, *words: str) -> str:
        r = self.rng
        base = slug("-".join(w for w in words if w)) or r.choice(BRAND_PARTS)
        base = base[:40].strip("-")
        for attempt in range(50):
            cand = base if attempt == 0 else f"{base}{r.choice(['', '-'])}{r.choice(BRAND_PARTS) if attempt < 8 else r.randint(2, 999)}"
            name = f"{cand}.{r.choice(TLDS)}"
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("domain space exhausted")  # cannot happen with the numeric suffixes above

    def person(self, lang: str) -> str:
        return f"{self.rng.choice(FIRST[lang])} {self.rng.choice(LAST[lang])}"

    def brand(self) -> str:
        r = self.rng
        return f"{r.choice(BRAND_PARTS).title()}{r.choice(['', ' '])}{r.choice(BRAND_PARTS).title()}"

    def business(self, lang: str, trade: str | None = None) -> Business:
        r = self.rng
        trade = trade or r.choice(TRADES[lang])
        city, postcode, prefix = r.choice(CITIES[lang])
        style = r.random()
        if style < 0.4:
            name = f"{r.choice(LAST[lang])} {trade}"
        elif style < 0.7:
            name = f"{self.brand()} {trade}"
        else:
            name = f"{trade} {r.choice(LAST[lang])}"
        legal = r.choice(LEGAL[lang])
        name = f"{name} {legal}".strip()
        street = STREET[lang].format(n=r.randint(1, 240), w=r.choice(STREET_WORD[lang]), s=r.choice(STREET_KIND[lang]))
        phone = f"{prefix} {r.randint(100, 999)} {r.randint(1000, 9999)}"
        dom = self.domain(name.split()[0], trade.split()[0] if r.random() < 0.6 else "", city if r.random() < 0.3 else "")
        path = r.choice(["", "", "", f"{slug(trade)}-{slug(city)}", "contact", "index.html"])
        url = f"https://{r.choice(['', 'www.'])}{dom}/{path}"
        return Business(name, trade, street, postcode, city, phone, round(r.uniform(2.5, 5.0) * 2) / 2,
                        r.randint(0, 480), url, f"info@{dom}", lang)

    def commercial_url(self, niche_slug: str, anchor: str | None = None) -> str:
        r = self.rng
        brand = r.choice(BRAND_PARTS)
        dom = self.domain(r.choice([brand, f"{brand}-{niche_slug}", niche_slug.split('-')[0] + r.choice(BRAND_PARTS)]))
        if anchor and r.random() < 0.4:  # money pages are often named after the keyword they rank for
            path = r.choice([slug(anchor), f"{slug(anchor)}/", f"services/{slug(anchor)}", f"{slug(anchor)}.html"])
        else:
            path = r.choice(["", "", "", f"{niche_slug}/", "landing/offer", "?ref=partner", "shop/", "about-us"])
        return f"https://{r.choice(['', 'www.'])}{dom}/{path}"

    def org_url(self, lang: str) -> str:
        r = self.rng
        kind = r.choice(EDITORIAL_SOURCES)
        dom = self.domain(r.choice(BRAND_PARTS), kind.split()[0])
        path = r.choice(["", f"research/{r.randint(2008, 2025)}/{slug(kind)}", f"news/{r.randint(1000, 99999)}",
                         f"publications/report-{r.randint(1, 80)}.pdf", f"wiki/{slug(r.choice(BRAND_PARTS))}"])
        if r.random() < 0.1:  # newsrooms tag outgoing links too: tracking parameters are not only a paid-link sign
            path += r.choice(["?utm_source=newsletter&utm_medium=email", "?ref=homepage", "#section-2"])
        return f"https://{r.choice(['', 'www.', 'en.'])}{dom}/{path}"
