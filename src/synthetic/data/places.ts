// Fictional geography: authority and town names, street names and organisation names.
// Authority 0 is always Northmoor, the demo authority. Names are composed from English
// place-name elements; REAL_NAMES removes the compositions that are real English authorities or
// large towns, and REAL_POSTCODE_AREAS keeps every generated postcode outside real postcode areas.

/** Hand-picked names for the first authorities, then compositions of PLACE_PARTS. */
export const AUTHORITY_NAMES = `Northmoor:Eastbridge:Westhaven:Ashcombe:Brackenfield:Calderbrook:Thornleigh:
  Elmsworth:Ravensdale:Hatherley:Marlwick:Fenstowe:Holmbury:Langridge:Kingsmere:Stanwick:Oakhurst:Greywater:
  Fairbourne:Highcombe:Lowfold:Millbeck:Brookhaven:Wychford:Sedgecombe:Harrowmere:Coldmere:Ambercott:
  Bramblemoor:Cressington:Dunmere:Emberton:Foxhollow:Glenbury:Hollinsby:Ivymere:Juniper Vale:Kestrel Heath:
  Larkstone`

export const PLACE_PARTS = {
  prefixes: `Ash Oak Elm Thorn Bracken Calder Ravens Hather Marl Mill Brook Fen Holm Lang Kings Stan Fair High Low
    Long Stone Wood Red Grey Amber Bramble Cress Dun Ember Fox Glen Hollin Juniper Kestrel Lark Moss Nether
    Over Pen Quarry Rook Sedge Tarn Under Willow Yew Alder Birch Bury Clay Dale`,
  suffixes: 'moor field bridge ham ton ley worth bury ford wick by thorpe dale combe haven mere stow hurst cott fold beck well',
} as const

/** Compositions that name real authorities or large towns in England, never used. */
export const REAL_NAMES = new Set([
  'Ashford', 'Stanley', 'Oakham', 'Redbridge', 'Bury', 'Woodbridge', 'Stoneham', 'Longford', 'Millbrook',
  'Ashby', 'Oakley', 'Fairford', 'Highbury', 'Woodford', 'Stonehaven', 'Ashton', 'Brookfield', 'Redditch',
  'Millfield', 'Longton', 'Woodley', 'Elmbridge', 'Stanford', 'Kingsbury', 'Holmfirth', 'Redhill', 'Thornbury',
  'Thornton', 'Woodhurst', 'Clayton', 'Dalton', 'Birchwood', 'Alderley', 'Penworth', 'Moss Side', 'Kingston',
  'Lowestoft', 'Highworth', 'Stanwell', 'Ashwell', 'Woodstock', 'Greywell', 'Claybury', 'Fenton', 'Foxley',
  'Lowton', 'Longley', 'Lowfield', 'Highfield', 'Oakwood', 'Elmley', 'Kingsley', 'Langley', 'Stanton',
  'Ashley', 'Oakhill', 'Sedgefield', 'Penrith', 'Bradford', 'Dunstable', 'Haverhill', 'Hurstpierpoint', 'Sedgemoor',
  'Longfield', 'Fenwick', 'Oakfield', 'Stanfield', 'Dunton', 'Penton', 'Redwick', 'Woodworth', 'Birchmoor', 'Mosston',
])

/**
 * Postcode areas in use in the UK (including the Crown dependencies), so that generated
 * postcodes never fall in a real one.
 */
export const REAL_POSTCODE_AREAS = new Set(`AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE
  DG DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE
  LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS
  ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE`.split(/\s+/))

export const STREET_PARTS = {
  names: `Church Station Mill Park Victoria Albert Queen's King's Oak Elm Willow Rowan Meadow Orchard Grange Manor
    Chapel School Bridge Brook Green Hill Highfield Springfield Westfield Beech Ash Birch Cedar Holly Hawthorn
    Laburnum Lime Chestnut Sycamore Maple Poplar Alder Hazel Heather Primrose Bluebell Foxglove Clover Fern
    Kingfisher Swallow Lark Wren Robin Heron Nightingale Windsor York Lancaster Gloucester Cambridge Oxford
    Nelson Wellington Trafalgar Waterloo Jubilee Coronation Milton Shelley Byron Tennyson Wordsworth Keats
    Chaucer Dickens Brunel Stephenson Telford Darwin Newton Faraday Priory Abbey Castle Market North South
    East West Front Back Long Broad Middle New Old Green Lane's Well Tannery Forge Foundry Wharf Canal River
    Lock Ferry Quarry Common Moor Heath Meadowbank Riverside Parkside Hillside Brookside Woodside Fieldside`,
  kinds: `Road:30 Street:22 Lane:10 Avenue:8 Close:9 Drive:7 Way:5 Grove:4 Crescent:4 Gardens:3 Place:3 Court:3
    Terrace:3 View:2 Rise:2 Walk:2 Mews:1 Row:1 Square:1 Hill:1`,
  buildings: `Rowan House:Oak Court:Mill House:Victoria Court:Park View:Riverside House:Station Court:Albion House:
    Kingfisher Court:Orchard House:Jubilee Court:Chapel Mews:Waterside:The Maltings:Brunswick House`,
} as const

export const ORGANISATION_NAMES = {
  primarySchools: `St Mary's CE Primary School:St Joseph's Catholic Primary School:Holy Trinity CE Primary School:
    St Peter's CE Primary Academy:Christ Church CE Primary School:Our Lady of Lourdes Catholic Primary School:
    St John's CE Primary School:All Saints CE Primary School`,
  primarySuffixes: 'Primary School:Community Primary School:Infant and Junior School:Primary Academy:Junior School:Infant School:Church of England Primary School',
  secondarySuffixes: 'Academy:High School:School:Community College:Secondary School:School and Sixth Form:Grammar School',
  earlyYears: `Little Acorns Nursery:Sunflower Day Nursery:Busy Bees Pre-School:Rainbow Playgroup:Tiny Steps Nursery:
    Ladybird Pre-School:Kangaroo Kids Nursery:Little Explorers:Teddy Bears Nursery:Treetops Day Nursery:
    Stepping Stones Pre-School:Caterpillars Nursery:Bright Beginnings:Honeypot Nursery:Little Owls Pre-School`,
  gpSuffixes: 'Medical Centre:Surgery:Health Centre:Medical Practice:Family Practice:Group Practice',
  voluntary: `Young Carers:Family Support Trust:Home Visiting Service:Youth Counselling Service:Children's Centre Trust:
    Parents Together:Young People's Advice Service`,
} as const
