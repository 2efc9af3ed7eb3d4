"""Words of the national bench data set (portal/seeding/national.py): per sector the names,
activities, trades and tools that titles and descriptions are built from, in real Dutch word
forms (lassen, lasser, last, lastechniek), so that a search for a word or a typo of it finds
what a real data set would hold. Data only; the generator picks from it with its seeded random.
"""

# Per finer sector (seeds/sectors.json): `weight` is its share of the companies; `names` end a
# company name; `topics` are what an activity is about; `jobs` are trades; `work` says what a
# tradesperson does (third person singular, after "een <job>"); `tools` are what they work
# with; `tasks` are real-life assignments (imperative); `crebo` the qualifications (seeds).
SECTORS = {
    "metaal": dict(
        weight=12, names=["Metaaltechniek", "Staalbouw", "Laswerken", "Constructiewerken",
                          "Metaalbewerking", "Plaatwerk"],
        topics=["lassen", "booglassen", "TIG-lassen", "MIG/MAG-lassen", "CNC-frezen",
                "CNC-draaien", "plaatbewerking", "lastechniek", "staalconstructies",
                "verspanen"],
        jobs=["lasser", "constructiebankwerker", "CNC-operator", "plaatwerker", "CNC-frezer",
              "verspaner"],
        work=["last staalconstructies voor bruggen en hallen",
              "freest onderdelen op een CNC-machine", "zet en knipt plaatwerk op maat",
              "leest technische tekeningen en meet op een honderdste millimeter",
              "last RVS-leidingwerk voor de voedingsindustrie"],
        tools=["lasapparaat", "CNC-freesmachine", "kantbank", "draaibank", "laskap",
               "lasrobot"],
        tasks=["ontwerp een fietsenrek van staal", "verbeter de opspanning van een freesbank",
               "maak een lasmal voor een kleine serie"],
        crebo=["25623", "25624", "25896", "25744"]),
    "elektrotechniek": dict(
        weight=10, names=["Elektrotechniek", "Elektro", "Elektrotechnisch Bureau",
                          "Schakeltechniek"],
        topics=["elektrotechniek", "zonnepanelen", "PLC-programmeren", "meet- en regeltechniek",
                "laadpalen", "domotica", "schakelkasten bouwen", "elektrische installaties"],
        jobs=["elektromonteur", "eerste monteur elektrotechniek", "panelenbouwer",
              "PLC-programmeur", "servicemonteur"],
        work=["bouwt schakelkasten voor fabrieken", "legt zonnepanelen en omvormers aan",
              "programmeert een PLC die een lopende band stuurt",
              "sluit laadpalen aan op het net", "zoekt storingen met een multimeter"],
        tools=["multimeter", "PLC", "omvormer", "schakelkast", "laadpaal",
               "installatietester"],
        tasks=["ontwerp slimme verlichting voor het schoolplein",
               "programmeer een PLC voor een sorteerband",
               "bereken hoeveel zonnepanelen het dak van de school nodig heeft"],
        crebo=["25737", "25736", "25735", "25739", "25738", "27011"]),
    "installatietechniek": dict(
        weight=12, names=["Installatietechniek", "Installatiegroep", "Installatiebedrijf",
                          "Klimaattechniek", "Installateurs"],
        topics=["warmtepompen", "installatietechniek", "zonneboilers", "ventilatie",
                "klimaattechniek", "sanitair", "cv-ketels", "duurzame installaties"],
        jobs=["installateur", "servicemonteur warmtepompen",
              "monteur werktuigkundige installaties", "loodgieter", "koeltechnicus"],
        work=["plaatst een warmtepomp in een bestaande woning",
              "legt leidingen aan voor water en verwarming",
              "onderhoudt ventilatiesystemen in scholen en kantoren",
              "stelt een cv-installatie in", "vult een koelinstallatie met koudemiddel"],
        tools=["warmtepomp", "persgereedschap", "buigmachine", "drukmeter",
               "warmtebeeldcamera"],
        tasks=["maak een plan om de school van het gas af te halen",
               "meet het binnenklimaat van een klaslokaal",
               "ontwerp de ventilatie van een nieuw lokaal"],
        crebo=["25835", "25834", "26100", "25821", "25825", "27077"]),
    "bouw": dict(
        weight=12, names=["Bouw", "Bouwbedrijf", "Aannemersbedrijf", "Timmerfabriek",
                          "Bouwgroep"],
        topics=["timmeren", "metselen", "houtbouw", "betonbouw", "renovatie",
                "circulair bouwen", "bouwkunde", "tegelzetten"],
        jobs=["timmerman", "metselaar", "uitvoerder", "betonwerker", "tegelzetter",
              "werkvoorbereider"],
        work=["bouwt houtskeletwoningen in de werkplaats", "metselt gevels van nieuwbouw",
              "stort betonvloeren", "maakt van oude huizen energiezuinige woningen",
              "plant het werk op de bouwplaats"],
        tools=["bouwlaser", "cirkelzaag", "bouwkraan", "trilnaald", "steiger"],
        tasks=["ontwerp een tiny house van hergebruikt hout",
               "maak een bouwplanning voor een fietsenstalling",
               "bereken de materialen voor een tuinhuis"],
        crebo=["25829", "25828", "25785", "25870"]),
    "procesindustrie": dict(
        weight=5, names=["Procestechniek", "Chemie", "Raffinage", "Procesindustrie"],
        topics=["procestechniek", "chemische processen", "laboratorium",
                "veilig werken in de fabriek", "procesautomatisering"],
        jobs=["operator", "procesoperator", "laborant", "procestechnoloog"],
        work=["bewaakt de installatie vanuit de controlekamer",
              "neemt monsters en analyseert ze in het laboratorium",
              "start een productielijn veilig op"],
        tools=["controlekamer", "destillatiekolom", "reactor", "pH-meter"],
        tasks=["verlaag het energieverbruik van een productieproces",
               "onderzoek de kwaliteit van het spoelwater"],
        crebo=["25761", "25762", "25802", "25952"]),
    "energie": dict(
        weight=5, names=["Energie", "Windenergie", "Zonne-energie", "Netwerken"],
        topics=["windturbines", "zonne-energie", "energietransitie", "waterstof", "netbeheer",
                "energieopslag", "zonnepanelen"],
        jobs=["monteur windturbines", "netwerkmonteur", "technicus energieopslag",
              "zonnepaneelmonteur"],
        work=["klimt in windturbines voor onderhoud",
              "legt kabels aan voor het elektriciteitsnet", "installeert thuisbatterijen",
              "bouwt zonneparken"],
        tools=["windturbine", "transformator", "thuisbatterij", "elektrolyser"],
        tasks=["onderzoek of er een windmolen op het schoolterrein past",
               "ontwerp een opslag voor zonnestroom"],
        crebo=["26100", "27011", "25736"]),
    "werktuigbouw": dict(
        weight=7, names=["Machinebouw", "Werktuigbouw", "Mechatronica", "Aandrijftechniek",
                         "Industrieel Onderhoud"],
        topics=["mechatronica", "machinebouw", "robotica", "hydrauliek", "pneumatiek",
                "3D-printen", "onderhoudstechniek"],
        jobs=["monteur mechatronica", "servicetechnicus", "machinebouwer", "onderhoudsmonteur",
              "constructeur"],
        work=["bouwt machines voor de voedingsindustrie",
              "programmeert robots in een productielijn",
              "onderhoudt hydraulische pompen", "ontwerpt onderdelen in 3D-CAD"],
        tools=["robotarm", "3D-printer", "hydraulische pers", "CAD-programma"],
        tasks=["ontwerp een grijper voor een robotarm",
               "verbeter een machine die dozen vouwt"],
        crebo=["25891", "25892", "25893", "25896"]),
    "life_sciences": dict(
        weight=3, names=["Life Sciences", "Biotech", "Laboratoria", "Diagnostiek"],
        topics=["laboratorium", "biotechnologie", "microbiologie", "analysetechniek",
                "DNA-onderzoek"],
        jobs=["laborant", "analist", "biotechnoloog"],
        work=["kweekt bacteriën voor onderzoek", "analyseert bloedmonsters",
              "werkt steriel in een cleanroom"],
        tools=["microscoop", "pipet", "centrifuge", "cleanroom"],
        tasks=["onderzoek de bacteriën op een schooltafel",
               "vergelijk de kwaliteit van drinkwater"],
        crebo=["25952"]),
    "maritiem": dict(
        weight=3, names=["Scheepsbouw", "Scheepswerf", "Maritieme Techniek", "Jachtbouw",
                         "Offshore"],
        topics=["scheepsbouw", "maritieme techniek", "scheepsonderhoud", "jachtbouw",
                "offshore"],
        jobs=["scheepsbouwer", "scheepswerktuigkundige", "maritiem monteur", "jachtbouwer"],
        work=["bouwt casco's van aluminium schepen", "onderhoudt scheepsmotoren",
              "last scheepsrompen op de werf"],
        tools=["droogdok", "scheepsmotor", "portaalkraan"],
        tasks=["ontwerp een elektrische veerpont", "verbeter de romp van een roeiboot"],
        crebo=["25971", "25683"]),
    "logistiek": dict(
        weight=7, names=["Logistiek", "Transport", "Distributie", "Warehousing"],
        topics=["logistiek", "heftruck rijden", "magazijnbeheer", "supply chain",
                "transportplanning"],
        jobs=["logistiek medewerker", "heftruckchauffeur", "planner", "vrachtwagenchauffeur"],
        work=["rijdt met de heftruck door het magazijn",
              "plant de routes van vrachtwagens", "zorgt dat pakketten op tijd vertrekken"],
        tools=["heftruck", "handscanner", "reachtruck", "magazijnsysteem"],
        tasks=["maak de indeling van een magazijn efficiënter",
               "plan de bezorgroutes van een webwinkel"],
        crebo=["25774", "25775", "25776"]),
    "automotive": dict(
        weight=7, names=["Autotechniek", "Garagebedrijf", "Autoschade", "Bedrijfswagens",
                         "Truck Service"],
        topics=["autotechniek", "elektrisch rijden", "diagnose", "autoschadeherstel",
                "bedrijfsautotechniek"],
        jobs=["automonteur", "autotechnicus", "schadehersteller", "APK-keurmeester"],
        work=["zoekt storingen met een diagnosecomputer",
              "vervangt het accupakket van een elektrische auto",
              "spuit een auto in de spuitcabine"],
        tools=["diagnosecomputer", "brug", "spuitcabine", "bandenwisselaar"],
        tasks=["vergelijk de kosten van een elektrische auto en een benzineauto",
               "ontwerp een laadplein voor de parkeerplaats van de school"],
        crebo=["25669", "25670"]),
    "luchtvaart": dict(
        weight=1.5, names=["Aviation", "Vliegtuigonderhoud", "Aerospace"],
        topics=["vliegtuigonderhoud", "luchtvaarttechniek", "drones", "composietbouw"],
        jobs=["vliegtuigmonteur", "avionicatechnicus", "dronepiloot"],
        work=["inspecteert vliegtuigmotoren", "repareert onderdelen van composiet",
              "vliegt met drones voor inspecties"],
        tools=["drone", "boroscoop", "hangar"],
        tasks=["ontwerp een drone die daken inspecteert"],
        crebo=["25938"]),
    "ict": dict(
        weight=6, names=["ICT", "Software", "IT Solutions", "Netwerkbeheer", "Data"],
        topics=["programmeren", "cybersecurity", "netwerkbeheer", "app-ontwikkeling",
                "kunstmatige intelligentie", "datacenter"],
        jobs=["softwareontwikkelaar", "netwerkbeheerder", "ICT-medewerker",
              "securityspecialist"],
        work=["schrijft software voor machines", "beveiligt netwerken tegen hackers",
              "beheert servers in het datacenter"],
        tools=["server", "router", "laptop", "Raspberry Pi"],
        tasks=["bouw een app die lokalen reserveert",
               "test de beveiliging van een webwinkel"],
        crebo=["25998", "27015", "27016"]),
    "media": dict(
        weight=2, names=["Media", "Studio", "Drukkerij", "Signmaking"],
        topics=["grafische techniek", "drukwerk", "video", "signmaking", "3D-animatie"],
        jobs=["mediavormgever", "drukker", "AV-technicus"],
        work=["drukt verpakkingen", "monteert video's",
              "maakt reclameborden met een snijplotter"],
        tools=["drukpers", "camera", "snijplotter"],
        tasks=["ontwerp een campagne voor techniekonderwijs"],
        crebo=["27015"]),
    "medische_techniek": dict(
        weight=1.5, names=["Medische Techniek", "Medtech", "Orthopedie"],
        topics=["medische techniek", "orthopedische techniek", "tandtechniek",
                "hulpmiddelen"],
        jobs=["medisch instrumentatietechnicus", "orthopedisch technicus", "tandtechnicus"],
        work=["onderhoudt apparatuur in het ziekenhuis", "maakt prothesen op maat",
              "kalibreert meetapparatuur"],
        tools=["scanner", "prothese", "3D-scanner"],
        tasks=["ontwerp een hulpmiddel voor iemand met reuma"],
        crebo=["25893", "25952"]),
    "technische_groothandel": dict(
        weight=2, names=["Technische Groothandel", "Techniek Handel", "Bevestigingstechniek"],
        topics=["technische groothandel", "verkoop van techniek", "productadvies",
                "voorraadbeheer"],
        jobs=["technisch verkoper", "vakspecialist", "magazijnmedewerker"],
        work=["adviseert installateurs over onderdelen",
              "beheert de voorraad van duizenden producten"],
        tools=["webwinkel", "magazijnsysteem", "catalogus"],
        tasks=["bedenk hoe installateurs sneller aan hun onderdelen komen"],
        crebo=["25774", "25775"]),
    "voedingsmiddelen": dict(
        weight=3, names=["Food", "Voedingsmiddelen", "Zuivel", "Bakkerij"],
        topics=["voedingstechnologie", "procesautomatisering", "zuivelproductie",
                "verpakkingstechniek", "voedselveiligheid"],
        jobs=["operator voedingsindustrie", "procesoperator", "kwaliteitsmedewerker"],
        work=["bedient een verpakkingslijn", "bewaakt de hygiëne in de productie",
              "stelt een kaasmachine in"],
        tools=["verpakkingsmachine", "pasteur", "menger"],
        tasks=["verminder de verspilling van voedsel in de productie"],
        crebo=["25761", "25762"]),
    "agrotechniek": dict(
        weight=2, names=["Agrotechniek", "Mechanisatie", "Loonbedrijf", "Kassenbouw"],
        topics=["landbouwmechanisatie", "precisielandbouw", "kassenbouw", "melkrobots",
                "trekkers"],
        jobs=["monteur mobiele werktuigen", "kassenbouwer", "medewerker agrotechniek"],
        work=["repareert trekkers en oogstmachines", "installeert melkrobots",
              "bouwt kassen met klimaatsystemen"],
        tools=["trekker", "melkrobot", "GPS-besturing", "kasklimaatcomputer"],
        tasks=["ontwerp een sensor die meet wanneer planten water nodig hebben"],
        crebo=["25669", "25670"]),
    "veiligheid": dict(
        weight=1, names=["Beveiligingstechniek", "Brandbeveiliging", "Safety"],
        topics=["brandbeveiliging", "beveiligingstechniek", "camerasystemen",
                "toegangscontrole"],
        jobs=["monteur beveiligingssystemen", "brandveiligheidsadviseur"],
        work=["installeert brandmeldinstallaties", "sluit camerasystemen aan",
              "test sprinklerinstallaties"],
        tools=["brandmelder", "camerasysteem", "sprinkler"],
        tasks=["maak een vluchtplan voor de school"],
        crebo=["25737", "27015"]),
    "instrumentmaken": dict(
        weight=1, names=["Instrumentmakerij", "Fijnmechanica", "Precisietechniek"],
        topics=["instrumentmaken", "fijnmechanica", "precisietechniek", "optica"],
        jobs=["instrumentmaker", "fijnmechanisch technicus"],
        work=["maakt onderdelen op een duizendste millimeter nauwkeurig",
              "bouwt meetopstellingen voor onderzoekers"],
        tools=["precisiedraaibank", "microscoop", "meetklok"],
        tasks=["ontwerp een meetopstelling voor de natuurkundeles"],
        crebo=["25624", "25896"]),
}

SURNAMES = [
    "Van Dijk", "De Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "De Boer", "Mulder",
    "De Groot", "Bos", "Vos", "Peters", "Hendriks", "Van Leeuwen", "Dekker", "Brouwer", "De Wit",
    "Dijkstra", "Smits", "De Graaf", "Van der Meer", "Van den Berg", "Kok", "Jacobs",
    "Vermeulen", "Van der Linden", "Koster", "Prins", "Huisman", "Kuipers", "Post", "Schouten",
    "Willems", "Claes", "Goossens", "Wouters", "Maes", "Peeters", "Janssens", "Mertens",
    "Verhoeven", "Lambrecht", "De Smet", "Van Damme", "Verbeke", "Hoekstra", "Wijnands",
    "Van Rijn", "Boersma", "Timmermans", "Van Wijk", "Kramer", "Scholten", "Verschoor",
]
FIRST_NAMES = [
    "Anouk", "Bram", "Daan", "Eva", "Fleur", "Jeroen", "Kim", "Lotte", "Marieke", "Niels",
    "Sanne", "Thijs", "Wouter", "Yvonne", "Ilse", "Koen", "Lieve", "Pieter", "Rik", "Sofie",
    "Tom", "Jasper", "Hanneke", "Mohamed", "Fatima", "Emre", "Nadia", "Joost", "Eline", "Stijn",
]
# The adjective of a province, as regional companies call themselves ("Zeeuwse Installatiegroep").
REGION_WORDS = {
    "NL-DR": "Drentse", "NL-FR": "Friese", "NL-GE": "Gelderse", "NL-GR": "Groningse",
    "NL-LI": "Limburgse", "NL-NB": "Brabantse", "NL-NH": "Noord-Hollandse",
    "NL-UT": "Utrechtse", "NL-ZE": "Zeeuwse", "NL-ZH": "Zuid-Hollandse", "NL-OV": "Twentse",
    "NL-FL": "Flevolandse", "BE-VLG": "Vlaamse", "BE-BRU": "Brusselse", "BE-WAL": "Waalse",
}
LEGAL_FORMS = {"NL": [" B.V.", " B.V.", "", " & Zn.", " V.O.F."], "BE": [" BV", " NV", "", " BV"]}

SCHOOL_NAMES = [
    "Da Vinci", "Erasmus", "Comenius", "Spinoza", "Huygens", "Stevin", "Lorentz", "De Ruyter",
    "Vincent van Gogh", "Rembrandt", "Sint-Jozef", "Sint-Lucas", "Don Bosco", "Het Kompas",
    "De Regenboog", "De Springplank", "De Wegwijzer", "Het Baken", "De Horizon", "Het Anker",
    "De Klimop", "Montessori", "Dalton", "De Sterrenwacht", "Het Palet", "De Fontein",
]
SCHOOL_PATTERNS = {
    "po": ["Basisschool {name}", "OBS {name}", "CBS {name}", "Basisschool {name} {place}"],
    "vo": ["{name} College", "Christelijk Lyceum {place}", "Scholengemeenschap {name}",
           "Vakcollege {place}", "{name} Mavo", "Technisch Atheneum {place}"],
    "mbo": ["ROC {place}", "Technisch College {place}", "{name} mbo", "Vakschool {place}"],
}

TITLES = {
    "guest_lesson": ["Gastles {topic}", "Gastles: wat doet een {job}?", "{Topic} in de klas",
                     "Techniekles over {topic}", "Gastles {topic} door een {job}"],
    "company_visit": ["Bedrijfsbezoek {company}", "Rondleiding: {topic} in de praktijk",
                      "Kijkje in de werkplaats van {company}", "Excursie {topic}",
                      "Bedrijfsbezoek: zo werkt een {job}"],
    "taster_day": ["Meeloopdag {job}", "Snuffeldag {topic}", "Een dag {job}",
                   "Proefdag {topic}"],
    "internship": ["BOL-stage {job}", "Stageplaats {job}", "Stage {topic}",
                   "Stage {qualification}"],
    "apprenticeship": ["BBL-leerbaan {job}", "Leerwerkplek {job}", "BBL {qualification}",
                       "Werken en leren als {job}"],
    "teacher_placement": ["Docentstage {topic}", "Bijscholing voor docenten: {topic}",
                          "Docent in bedrijf: {topic}"],
    "assignment": ["Praktijkopdracht: {task}", "Opdracht voor de klas: {task}",
                   "Echte opdracht {topic}"],
}
OPENINGS = {
    "guest_lesson": ["In deze gastles vertelt een {job} van {company} over {topic}.",
                     "Een {job} komt naar de school en laat zien hoe {topic} werkt."],
    "guest_lesson_online": ["In deze online gastles vertelt een {job} van {company} over "
                            "{topic}.", "Een {job} laat via een videoverbinding zien hoe "
                            "{topic} werkt."],
    "company_visit": ["Tijdens het bezoek aan {company} zien leerlingen hoe een {job} "
                      "werkt.", "Wij laten de klas onze werkplaats zien, van {topic} tot "
                      "{topic2}."],
    "taster_day": ["Loop een dag mee met een {job} en ontdek of {topic} iets voor je is.",
                   "Op de snuffeldag werk je mee met een {job} van {company}."],
    "internship": ["Wij bieden een BOL-stage voor studenten {qualification}.",
                   "Als stagiair werk je mee met een ervaren {job} aan echte klussen."],
    "apprenticeship": ["Leren en werken tegelijk: als {job} in opleiding werk je vier dagen "
                       "bij {company} en ga je een dag naar school.",
                       "Een BBL-plek voor de opleiding {qualification}, met een contract en "
                       "salaris."],
    "teacher_placement": ["Docenten lopen mee in ons bedrijf en zien hoe wij werken met "
                          "{topic}.", "Houd uw kennis van {topic} bij: werk een paar dagen "
                          "mee met een {job}."],
    "assignment": ["Een echte vraag van {company}: {task}.",
                   "De klas werkt in groepjes aan een opdracht over {topic}: {task}."],
}
MIDDLES = [
    "Een {job} bij ons {work}.", "Bij ons draait alles om {topic} en {topic2}.",
    "Je werkt met een {tool} en een {tool2}.", "Leerlingen leren de basis van {topic}.",
    "Onze mensen laten zien waarom werken met {topic} toekomst heeft.",
    "Een {job} {work} en legt uit wat daarvoor nodig is.",
    "Je ziet hoe een {job} met een {tool} werkt en mag het zelf proberen.",
    "Daarnaast gaat het over {topic2}.",
]
PRACTICAL = [
    "Veiligheidsschoenen en een overall liggen klaar.", "Na afloop is er tijd voor vragen.",
    "Meld u vooraf aan met het aantal leerlingen.", "Wij houden rekening met de lesroosters.",
    "Begeleiding door een vaste contactpersoon.", "Er is plek voor een kleine groep.",
]
CLOSINGS = [
    "Kom kijken en ontdek de techniek!", "Wie weet werk jij hier later ook.",
    "Na afloop weet je wat een {job} doet en welke opleiding daarbij past.",
    "Techniek zie je het best in het echt.",
]
SAFETY_RULES = ["Veiligheidsschoenen verplicht in de werkplaats.",
                "Blijf achter de gele lijnen; volg de aanwijzingen van de begeleider.",
                "Lange haren vast, geen losse sieraden bij de machines."]
PROTECTIVE_GEAR = ["veiligheidsschoenen, veiligheidsbril", "helm, hesje en veiligheidsschoenen",
                   "gehoorbescherming en veiligheidsbril", "overall en handschoenen"]
DELIVERABLES = ["Een presentatie en een werkend prototype.", "Een advies in een kort rapport.",
                "Een ontwerp op tekening en een maquette.", "Een pitch voor de directie."]
WEIGHTED_SECTORS = sorted(SECTORS)


def _first_upper(text):
    return text[:1].upper() + text[1:]


def pick_words(rng, sector, company_name, qualification):
    """The words one offer is written from: two topics, two tools, a trade, its work."""
    words = SECTORS[sector]
    topic, topic2 = rng.sample(words["topics"], 2)
    tools = words["tools"]
    tool, tool2 = rng.sample(tools, 2) if len(tools) > 1 else (tools[0], tools[0])
    return {"topic": topic, "Topic": _first_upper(topic), "topic2": topic2, "tool": tool,
            "tool2": tool2, "job": rng.choice(words["jobs"]), "work": rng.choice(words["work"]),
            "task": rng.choice(words["tasks"]), "company": company_name,
            "qualification": qualification or words["jobs"][0]}


def offer_title(rng, offer_type, words):
    return _first_upper(rng.choice(TITLES[offer_type]).format(**words))[:160]


def offer_description(rng, offer_type, words, online=False):
    """20 to 80 words: an opening for the type, sentences about the trade, practical notes."""
    target = rng.randint(20, 80)
    opening = f"{offer_type}_online" if online and f"{offer_type}_online" in OPENINGS \
        else offer_type
    sentences = [rng.choice(OPENINGS[opening]).format(**words)]
    count = len(sentences[0].split())
    pool = rng.sample(MIDDLES, 4) + rng.sample(PRACTICAL, 2) + [rng.choice(CLOSINGS)]
    for template in pool:
        if count >= target:
            break
        sentence = template.format(**words)
        size = len(sentence.split())
        if count + size <= 80:
            sentences.append(sentence)
            count += size
    return " ".join(_first_upper(s) for s in sentences)


def company_name(rng, sector, country, province_code, place_name):
    words = SECTORS[sector]["names"]
    legal = rng.choice(LEGAL_FORMS[country])
    pattern = rng.random()
    if pattern < 0.45:
        return f"{rng.choice(SURNAMES)} {rng.choice(words)}{legal}"
    if pattern < 0.65:
        return f"{REGION_WORDS.get(province_code, 'Nieuwe')} {rng.choice(words)}"
    if pattern < 0.85:
        return f"{rng.choice(words)} {place_name}"
    first, second = rng.sample(SURNAMES, 2)
    return f"{first} & {second}{legal}"


def company_description(rng, sector, name, place_name):
    topic, topic2 = rng.sample(SECTORS[sector]["topics"], 2)
    return f"{name} in {place_name}: {topic} en {topic2}. Wij leiden graag vakmensen op."


def school_name(rng, stage, place_name):
    return rng.choice(SCHOOL_PATTERNS[stage]).format(name=rng.choice(SCHOOL_NAMES),
                                                     place=place_name)[:160]


def person_name(rng):
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
