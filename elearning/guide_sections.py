"""The parts of the source guide (guide régional, Île-de-France), each to be covered by at
least one lesson (`Lesson.guide_sections` lists the ids it covers; a test checks coverage)."""

GUIDE_SECTIONS = {
    "preambule": "Préambule et précision terminologique",
    "chiffres-cles": "Chiffres clés",
    "definitions": "Définition de la prostitution des mineur·es",
    "euphemismes": "Les euphémismes qui masquent la prostitution",
    "vecteurs-en-ligne": "Internet et réseaux sociaux, accélérateurs",
    "systeme-agresseur": "La stratégie de l'agresseur",
    "emprise": "La mise sous emprise",
    "consequences": "Les conséquences de la prostitution",
    "psychotraumatisme": "Le psychotraumatisme : sidération, mémoire traumatique, dissociation",
    "loi-mineurs": "Ce que dit la loi : victimes mineures",
    "loi-majeurs": "Ce que dit la loi : victimes majeures (loi du 13 avril 2016)",
    "signaux": "Les signaux d'alerte (cinq familles)",
    "posture": "Une posture protectrice : aborder le sujet",
    "focus-images": "Focus : le repartage d'images intimes",
    "vocabulaire": "Le vocabulaire à employer",
    "apres-revelation": "Après une révélation : que dire",
    "information-preoccupante": "L'information préoccupante (CRIP)",
    "signalement": "Le signalement au procureur de la République",
    "rediger-signalement": "Rédiger un signalement",
    "aemo-renforcee-93": "La pratique d'AEMO renforcée en Seine-Saint-Denis",
    "retrait-contenus": "Faire retirer des contenus en ligne",
    "contacts": "Contacts par département",
    "ressources": "Pour aller plus loin",
}
