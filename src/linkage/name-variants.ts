// Given-name relations for names used in England, written for this project from general
// knowledge. Two kinds of line:
//   `full short short …`  a full name and familiar forms of it (Alexander: Alex, Alec, Sandy);
//   `= a b c …`           spellings of one name (Mohammed, Muhammad, Mohamed; Aidan, Aiden).
// Two given names are variants when a line holds both. The kind matters for twins: a child's
// full name and a familiar form of it belong to one child, but two spellings of a name, or two
// familiar forms of the same full name (Ella and Ellie), can be the names of twins.
// Names are standardised: lower case, no accents, no spaces or hyphens.

const GROUPS = `
= aaron aron arron
= holly hollie
mary molly mollie maria mimi polly
= molly mollie
mildred millie milly
camilla millie milly
= millie milly
matilda tilly tillie
= tilly tillie
charlotte lottie lotty charlie
margaret maisie maggie meg peggy marge margo margot greta rita malgorzata gosia daisy
= maisie maisy
= lacey lacie
rose rosie rosy
= rosie rosy
eleanor ellie elly nell nora elinor eleanore
= ellie elly
= eleanor elinor eleanore
sophia sophie sophy
= sophia sofia zofia
= sophie sofie sophy
eve evie
eva evie
= evie evey
alfred alfie alf fred freddie
= alfie alfy
archibald archie
= archie archy
frederick fred freddie freddy
= freddie freddy
= frederick fredrick fryderyk
charles charlie charley chas chuck
= charlie charley
= harley harlie
robert rob robbie bob bobby bobbie bert
roberta bobbie
frances fran frankie fanny
francis frank frankie franek franciszek francesco
= frankie franky
ronald ron ronnie ronny
veronica ronnie
stephen steve stevie
= stephen steven stefan stephan szczepan
stephanie steph stevie
= stephanie stefanie stefania
= bonnie bonny
= kelly kellie
natalia natalie tasha
natasha tasha tash
= natalie nathalie
= kylie kiley
abigail abbie abby abbey abi gail
= abbie abby abbey abi
= reuben ruben
reuben rube
= maryam mariam
maryam mimi
= amir ameer emir
= yasmin yasmeen yasmine jasmine jasmin jazmin
= zara zahra
= rhys reece reese rees
= leighton layton
= kayden caden kaiden cayden
= jayden jaden jaiden jaydon
= brandon branden
= logan logen
= mason mayson
= riley reilly ryley
= harvey harvie
= hayden haydn haiden
= isaiah isiah
elijah eli
theodore theo teddy ted
edward ed eddie ted teddy ned
henry harry hal hank
harold harry hal
harrison harry
arthur artie art
edith edie
josephine josie jo
jessica jess jessie
= annabel annabelle anabel
annabel bella
alexander alex alec alexandr sandy xander lex alexis sasha sacha olek aleks
= alexander aleksander
= alistair alasdair alastair
alexandra alex alexa lexi lexie sandra sasha ola
= alexandra aleksandra alexandria
abdul abdal abdel abdool
= abdullah abdallah abdulla abdalla
abraham abe
= ibrahim ebrahim ibraheem
= ahmed ahmad ahmet ahmid
= aidan aiden ayden aden aidyn
= aisha ayesha aysha aishah ayisha
= alan allan allen alun
alan al
albert bert bertie
alice ali allie
= alice alys alicia
alison ali allie
= alison allison
amelia millie milly mia
= amelia amelie
emilia millie
= amy aimee amie
andrew andy drew
= andrew andrzej andre andreas andrei
angela angie
anne annie
= ann anne anna ania anya
hannah anna
= hannah hanna
anthony tony
= anthony antony antoni antonio anton
barbara babs barb
= barbara barbra
bartholomew bart
beatrice bea trixie
benjamin ben benji benny
bernard bernie barney
bethany beth
= caitlin caitlyn katelyn kaitlyn catelyn kaitlin
= callum calum
cameron cam
caroline carol carrie caz
= caroline carolyn
catherine kate katie katy cath kath kathy cathy kat kitty kasia katya
= catherine katherine kathryn katharine cathryn katarzyna ekaterina
= katie katy
christian chris
= christian kristian krystian
christopher chris kit topher
= christopher kristopher krzysztof christoph
christina chris tina kirsty
christine chris tina
= christina kristina krystyna
= kirsten kirsty
= cian kian
= ciara kiara keira kiera kira
= connor conor konnor
daniel dan danny
= daniel daniyal danyal danial
danielle dani
david dave davey davie
= david dawid dafydd
deborah debbie debs
= deborah debra
= declan deklan
dominic dom
= dominic dominik
dorothy dot dottie dolly
= ewan euan ewen
= owen owain
elizabeth eliza liz lizzie lizzy beth betty bess bessie libby lisa elsie izzy ela
= elizabeth elisabeth elzbieta
= ellis elis
emily em emmy milly
= emily emilie
emma em emmy
esther hester
evelyn evie eve
= evelyn evelina
faith fay
= fay faye
florence flo flossie florrie
francesca fran frankie
gabriel gabe
gabriella gabby gabi
= gabriella gabriela gabrielle
= gary garry
george georgie geordie
= george jorge georgios jerzy
georgia georgie
georgina georgie
gerald gerry jerry
gerard gerry
= geoffrey jeffrey
geoffrey geoff jeff
jeffrey jeff
gillian gill jill
= gillian jillian
grace gracie
gregory greg
= gregory grzegorz
harriet hattie
helen nell
= helen helena ellen elena
hugh hughie
= hugh hugo
imogen immy
isaac zac zack
= isaac isaak ishaq
isabel izzy bella issy
isabella izzy bella issy
isabelle izzy bella issy
= isabel isobel
= isabella isabelle
= darcy darcie darci
jack jacky
jackson jack
jacob jake
= jacob jakob jakub jacques yakub yaqub
james jim jimmy jamie jimmie
= james jaime
jane janey
= jasmine jasmin jazmin
jasmine jaz
= jason jayson
jennifer jenny jen jenni
jessica jess jessie
joanna jo
= joanna joanne johanna joann
john jon johnny jonny jack
= john jan jean juan ian sean shaun shawn eoin evan ivan giovanni johan
= ian iain ieuan
jonathan jon jonny
= jonathan jonathon
joseph joe joey jo
= joseph jozef jose josef giuseppe
= yusuf yousef youssef yusef
joshua josh
julia julie jules
= julia julija
= justin justyn
= karen karin caren
= kayleigh kaylee kayley kaley kaylie
kenneth ken kenny
= khadija khadijah kadija
lawrence larry laurie
= lawrence laurence wawrzyniec lorenzo
= leah lea lia leia
leonard leo len lenny
leon leo
lewis lew
= lewis louis luis ludwik
louis lou louie
liam
william will bill billy liam willy willie wills wil
= william wilhelm
= lily lilly lillie lili
= lucy lucie
lucia lucy
luke luka
= lucas lukas lukasz
madison maddie maddy
= madison maddison
margaret maggie
= maria mariam
mark marc
= marcus markus marek
martin marty
= martin marcin
matthew matt matty
= matthew mathew mateusz matteo
maximilian max maks
maxwell max
= maximilian maksymilian
megan meg
= megan meghan
michael mike mikey mick micky mickey
= michael michal mikhail michel mikael mihai
michelle shelley
= mohammed muhammad mohamed mohammad muhammed mohamad mohammod muhamed mahomed mahamed
mohammed mo mohd
muhammad mo mohd
= morgan morgane
nathan nate nat
nathaniel nat nate
nicholas nick nicky nico
= nicholas nicolas nikolai mikolaj
nicola nikki niki
= nicola nicole
noah
= neil neal
= niall nial
olivia liv livvy livvie ollie
oliver ollie olly
= oliver olivier
patrick pat paddy
= patrick patryk padraig
paul
= paul pawel paolo pablo
penelope penny
peter pete
= peter piotr pedro pierre
philip phil pip
= philip phillip filip felipe
= rachel rachael raquel
rebecca becky becca bex
= rebecca rebekah
richard rich rick ricky dick dickie
= richard ryszard ricardo
roger
= roger rodger
rosemary rosie rose
ruth ruthie
= ryan rian ryann
samantha sam sammy
samuel sam sammy
sarah sally sadie
= sara sarah
= scott scot
sebastian seb
= sebastian sebastien
= siobhan shivaun chevonne
= stanley stan
stanislaw stan
susan sue susie suzy
= susan suzanne
teresa tess tessa terri
= teresa theresa
terence terry
= terence terrence
thomas tom tommy
= thomas tomas tomasz
timothy tim timmy
tobias toby
= tyler tylor
valerie val
victoria vicky vikki tori vic
= victoria wiktoria
vincent vince vinnie
walter wally walt
zachary zach zack zak zac
= zachary zachariah
= zainab zaynab zenab
= zoe zoey
`

/** Kinds of relation between two given names. */
export const VARIANT_NONE = 0
/** Spellings of one name (Mohammed and Muhammad). */
export const VARIANT_SPELLING = 1
/** A full name and a familiar form of it (Alexander and Alex). */
export const VARIANT_FULL_AND_SHORT = 2
/** Two familiar forms of one full name (Ella and Ellie, both forms of Eleanor). */
export const VARIANT_SHARED_ROOT = 3

interface Group {
  readonly spelling: boolean
  readonly names: readonly string[]
}

const LIST: Group[] = []
/** name → indices of the groups it belongs to */
const INDEX = new Map<string, number[]>()
for (const line of GROUPS.split('\n')) {
  const words = line.trim().split(/\s+/).filter(Boolean)
  const spelling = words[0] === '='
  const names = [...new Set(spelling ? words.slice(1) : words)]
  if (names.length < 2) continue
  const g = LIST.length
  LIST.push({ spelling, names })
  for (const name of names) {
    const list = INDEX.get(name)
    if (list) list.push(g)
    else INDEX.set(name, [g])
  }
}

/** The variant groups a standardised given name belongs to (empty when it is in none). */
export function variantGroups(name: string): readonly number[] {
  return INDEX.get(name) ?? []
}

/** How two standardised given names are related (VARIANT_*); the closest relation wins. */
export function variantRelation(a: string, b: string): number {
  if (a === b) return VARIANT_NONE
  const ga = INDEX.get(a)
  const gb = INDEX.get(b)
  if (!ga || !gb) return VARIANT_NONE
  let best = VARIANT_NONE
  for (const g of ga) {
    if (!gb.includes(g)) continue
    const group = LIST[g] as Group
    const kind = group.spelling ? VARIANT_SPELLING : group.names[0] === a || group.names[0] === b ? VARIANT_FULL_AND_SHORT : VARIANT_SHARED_ROOT
    if (kind === VARIANT_FULL_AND_SHORT) return kind
    if (best === VARIANT_NONE || kind === VARIANT_SPELLING) best = kind
  }
  return best
}

/** True when two standardised given names are listed as forms of the same name. */
export function areVariants(a: string, b: string): boolean {
  return a === b || variantRelation(a, b) !== VARIANT_NONE
}

export const VARIANT_GROUP_COUNT = LIST.length
