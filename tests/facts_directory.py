"""Facts of the referral directory, copied exactly from the regional guide's contact tables.

Each pair is (contact slug, a string that must appear in that entry's phone, phone_2 or email):
the CRIP of each département (phone and e-mail) and the tribunal judiciaire / parquet of each
département (phone and e-mail). Doubtful values are kept as the guide gives them (e.g. the CRIP 93
free number with a missing digit) and flagged to_verify in fixtures/directory.json.
"""

CONTACT_FACTS = [
    ("crip-75", "01 42 76 26 17"),
    ("crip-75", "crip75@paris.fr"),
    ("crip-77", "01 64 14 77 38"),
    ("crip-77", "crip77@departement77.fr"),
    ("crip-78", "01 39 07 74 30"),
    ("crip-78", "ccip@yvelines.fr"),
    ("crip-91", "01 60 91 31 08"),
    ("crip-91", "crip@cd-essonne.fr"),
    ("crip-92", "0 800 00 92 92"),
    ("crip-92", "tippv92@hauts-de-seine.fr"),
    ("crip-93", "01 43 93 10 35"),
    ("crip-93", "0 800 00 083"),
    ("crip-93", "crip@seinesaintdenis.fr"),
    ("crip-94", "0 811 900 200"),
    ("crip-94", "dpej-crip@valdemarne.fr"),
    ("crip-95", "01 34 25 76 62"),
    ("crip-95", "cdip95@valdoise.fr"),
    ("parquet-75", "01 44 32 51 51"),
    ("parquet-75", "Tj-paris@justice.fr"),
    ("parquet-77", "01 64 79 80 00"),
    ("parquet-77", "tj1-melun@justice.fr"),
    ("parquet-78", "01 39 07 39 07"),
    ("parquet-78", "tj1-versailles@justice.fr"),
    ("parquet-91", "01 60 76 78 00"),
    ("parquet-91", "tj1-evry@justice.fr"),
    ("parquet-92", "01 40 97 10 10"),
    ("parquet-92", "tj-nanterre@justice.fr"),
    ("parquet-93", "01 48 95 13 93"),
    ("parquet-93", "difaje.tj-bobigny@justice.fr"),
    ("parquet-94", "01 49 81 16 00"),
    ("parquet-94", "tj-creteil@justice.fr"),
    ("parquet-95", "01 72 58 70 00"),
    ("parquet-95", "tj-pontoise@justice.fr"),
]
