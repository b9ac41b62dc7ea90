"""The glossary (/glossaire/): the abbreviations of child protection and criminal law that the
lessons use, each with a plain French definition. `elearning.markdown.render_lesson` links the
first use of each term in a lesson to its entry.

Definitions are written for the course, from the regional guide and
/work/shared/source/NOTES-legal-and-data.md (law as it stands, checked there).
"""
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    abbr: str
    name: str
    definition: str

    @property
    def anchor(self) -> str:
        return self.abbr.lower()


TERMS = [
    Term("AEMO", "action éducative en milieu ouvert",
         "Mesure décidée par le ou la juge des enfants : un·e éducateur·rice accompagne la ou le jeune et sa "
         "famille, sans que la ou le jeune quitte son domicile. Une AEMO « renforcée » peut être confiée à une "
         "association spécialisée pour les jeunes victimes de prostitution."),
    Term("ASE", "Aide sociale à l'enfance",
         "Service du conseil départemental chargé de protéger les mineur·es en danger : aide aux familles, "
         "accompagnement éducatif, accueil en famille d'accueil ou en établissement (MECS)."),
    Term("CASF", "Code de l'action sociale et des familles",
         "Le code qui organise la protection de l'enfance : information préoccupante, rôle de la CRIP, "
         "copie à la CRIP d'un signalement, retour fait aux professionnel·les sur les suites d'une IP."),
    Term("CIDFF", "Centre d'information sur les droits des femmes et des familles",
         "Association qui informe gratuitement sur les droits (juridiques, sociaux) et accompagne les victimes "
         "de violences, notamment dans leurs démarches."),
    Term("CNIL", "Commission nationale de l'informatique et des libertés",
         "Autorité qui protège les données personnelles ; on peut s'y plaindre quand un site ne retire pas un "
         "contenu qui vous concerne."),
    Term("CP", "Code pénal",
         "Le code qui définit les infractions et leurs peines : recours à la prostitution d'un·e mineur·e, "
         "proxénétisme, viol, diffusion d'images intimes… Les articles sont cités ainsi : « art. 225-12-1 CP »."),
    Term("CPE", "conseiller·ère principal·e d'éducation",
         "Dans un collège ou un lycée, la personne qui suit la vie scolaire des élèves (absences, "
         "comportement, dialogue avec les familles) : souvent l'une des premières à repérer des signaux."),
    Term("CPP", "Code de procédure pénale",
         "Le code qui règle l'enquête et le procès pénal. Son article 40 oblige toute autorité publique et tout "
         "fonctionnaire qui apprend un crime ou un délit dans ses fonctions à en aviser le procureur."),
    Term("CRIP", "cellule de recueil des informations préoccupantes",
         "Service du département qui reçoit les informations préoccupantes, les fait évaluer et décide des "
         "suites (aide à la famille, saisine de la justice). Elle reçoit aussi la copie des signalements, et "
         "l'on peut l'appeler pour un conseil en cas de doute."),
    Term("ECPAT", "association internationale contre l'exploitation sexuelle des enfants",
         "Réseau d'associations (ECPAT France en France) qui lutte contre l'exploitation sexuelle des "
         "enfants, et dont le guide régional cite les estimations."),
    Term("IP", "information préoccupante",
         "Écrit transmis à la CRIP quand des signaux inquiétants font craindre qu'un·e mineur·e soit en "
         "danger ou risque de l'être, sans révélation ni faits établis d'infraction. Vous n'enquêtez pas : la "
         "CRIP évalue. Les professionnel·les qui ont transmis une IP sont informé·es des suites dans les trois "
         "mois (art. L226-5 CASF, loi du 7 février 2022)."),
    Term("JE", "juge des enfants",
         "Magistrat·e du tribunal judiciaire qui protège les mineur·es en danger (assistance éducative, "
         "art. 375 du Code civil) : AEMO, placement à l'ASE… Le procureur peut le ou la saisir."),
    Term("LAO", "lieu d'accueil et d'orientation",
         "Lieu où des jeunes en difficulté sont accueilli·es sans condition, écouté·es et orienté·es vers "
         "l'aide dont elles et ils ont besoin."),
    Term("MECS", "maison d'enfants à caractère social",
         "Établissement qui accueille, jour et nuit, des mineur·es confié·es à l'ASE ou par le ou la juge "
         "des enfants."),
    Term("OPP", "ordonnance de placement provisoire",
         "Décision prise en urgence par le procureur de la République ou par le ou la juge des enfants pour "
         "mettre un·e mineur·e à l'abri, par exemple en le ou la confiant à l'ASE."),
    Term("PJJ", "protection judiciaire de la jeunesse",
         "Direction du ministère de la Justice qui met en œuvre les mesures éducatives décidées par les "
         "juges pour des mineur·es."),
    Term("SNATED", "Service national d'accueil téléphonique de l'enfance en danger",
         "Le service qui répond au 119 (Allô enfance en danger), jour et nuit, gratuitement ; il conseille "
         "aussi les professionnel·les qui doutent."),
    Term("TJ", "tribunal judiciaire",
         "Le tribunal de chaque département où siègent le procureur de la République (le parquet) et le ou "
         "la juge des enfants : un signalement s'adresse au procureur du tribunal judiciaire, avec copie à la "
         "CRIP."),
    Term("UAPED", "unité d'accueil pédiatrique enfants en danger",
         "À l'hôpital, un lieu adapté aux enfants où la ou le mineur·e victime est entendu·e par les "
         "enquêteur·rices et soigné·e au même endroit, pour ne pas avoir à tout raconter plusieurs fois."),
]
BY_ABBR = {term.abbr: term for term in TERMS}
# Whole words only, case-sensitive (« IP », never « ip » inside a word), longest first.
PATTERN = re.compile(r"(?<![\w-])(" + "|".join(sorted(BY_ABBR, key=len, reverse=True)) + r")(?![\w-])")
