// Given-name equivalence groups for names used in England: familiar forms (Alex for Alexander,
// Ollie for Oliver), spellings in common use (Mohammed, Muhammad, Mohamed), and forms a name takes
// across the languages spoken in English schools (Jan/John, Józef/Joseph). Written for this
// project from general knowledge. One group a line; a name may belong to several groups (Alex is
// Alexander and Alexandra). Two given names are "variants" when they share a group. Names are in
// the standardised form: lower case, no accents, no spaces or hyphens.

const GROUPS = `
aaron aron arron
holly hollie
molly mollie mary
millie milly mildred camilla
tilly tillie matilda
lottie lotty charlotte
maisie maisy margaret
lacey lacie
rosie rosy rose
ellie elly eleanor
sophie sophy sophia
evie evey eva eve
alfie alfy alfred
archie archy archibald
freddie freddy frederick alfred
charlie charley charles charlotte
harley harlie
bobbie bobby robert roberta
frankie franky francis frances
ronnie ronny ronald veronica
stevie steven stephen stephanie
bonnie bonny
kelly kellie
natalie nathalie natalia natasha tasha
kylie kiley
abbie abby abbey abigail
reuben ruben rube
maryam mariam maria mary mimi
amir ameer emir
yasmin yasmeen jasmine
zara zahra sara
rhys reece reese rees
leighton layton
kayden caden kaiden cayden
jayden jaden jaiden jaydon
brandon branden
logan logen
mason mayson
riley reilly ryley
harvey harvie
hayden haydn haiden
isaiah isiah
elijah elias eli
theo theodore teddy
teddy edward theodore
henry harry hal
arthur artie art
edith edie
ethel
josephine josie jo
jessica jessie jess
annabel annabelle anabel anna bella
rebecca becky becca bex
kathleen kath kathy kate
cerys ceris
sian shan
dylan dillon
aled
gwen gwendolyn
martha marta mattie
violet vi
florence florrie flo flossie
abdul abdal abdel abdool
abdullah abdallah abdulla abdalla
abigail abbie abby abi abbey gail
abraham abe ibrahim ebrahim ibraheem
adam adem adem
adrian adriana adrien
agnes aggie nessa
ahmed ahmad ahmet ahmid amad
aidan aiden ayden aden aidyn
aisha ayesha aysha aishah ayisha
alan allan allen alun al
albert bert bertie al
alexander alex alec alexandr aleksander aleksandr sandy xander lex alexis sasha sacha olek aleks alistair alasdair alastair
alexandra alex alexa lexi lexie sandra sasha alexandria aleksandra ola
alfred alf alfie fred freddie freddy
alice alicia alys ali allie
alison allison ali allie
amelia amelie millie milly emilia mia
amy aimee amie
andrew andy drew andrzej andre andreas andrei
angela angie angelina
ann anne anna annie hannah ania anya
anthony antony tony antoni antonio anton
archibald archie arch
arthur art artie
austin austen
barbara barbra babs barb
bartholomew bart
beatrice bea trixie beattie
benjamin ben benji benny
bernard bernie barney
bethany beth
caitlin caitlyn katelyn kaitlyn catelyn kaitlin
callum calum
cameron cam
caroline carol carrie carolyn caz
catherine katherine kathryn katharine cathryn kate katie katy cath kath kathy cathy kat kitty caitlin katarzyna kasia ekaterina katya
charles charlie chas chuck carl karol
charlotte lottie lotte charlie
chloe chloey khloe
christian chris kristian krystian
christopher chris kit topher kristopher krzysztof christoph
christina christine chris tina kristina krystyna kirsty kirsten
cian kian keane
ciara kiara keira kiera kira
connor conor konnor
daniel dan danny dani daniyal danyal danial
danielle dani
david dave davey davie dawid dafydd
deborah debra debbie debs
declan deklan
dominic dom dominik
dorothy dot dottie dolly
edward ed eddie ted teddy ned edd
eleanor elinor eleanore ellie ella nell nora elena
elizabeth eliza liz lizzie lizzy beth betty bess bessie libby lisa elisabeth elsie ella ellie izzy elzbieta ela
ellis elis
emily emilie em emmy milly emilia
emma em emmy
esther hester
evelyn eve evie evelina
ewan euan ewen owen eoin
faith fay faye
florence flo flossie florrie
frances fran fanny francesca frankie
francis frank frankie franek franciszek francesco
frederick fred freddie freddy fredrick fryderyk
gabriel gabe gabby gabriela gabriella gabrielle
gary garry gareth
george georgie geordie jerzy jorge georgios
georgia georgie georgina
gerald gerry jerry gerard
geoffrey jeffrey geoff jeff
gillian jillian gill jill
grace gracie
gregory greg grzegorz
hannah hanna anna
harold harry hal
harriet hattie harri
harrison harry
henry harry hank hal henryk
helen helena ellen elena nell
hugh hugo hughie
ian iain ieuan ivan jan john
ibrahim ebrahim ibraheem abraham
imogen immy
isaac isaak ishaq zac zack
isabel isabella isabelle isobel izzy izzie bella issy
jack jacky jak jackson jake
jacob jakob jake jakub jacques yakub yaqub
james jim jimmy jamie jimmie jaime jakub seamus hamish
jane jayne jan janet janice jenny
jasmine jasmin yasmin yasmine jazmin jaz
jason jayson
jennifer jenny jen jenni jenna
jessica jess jessie
joanna joanne jo johanna joann joanne
john jon johnny jack johnnie jan jean juan ian sean shaun shawn eoin evan ivan giovanni johan jonny
jonathan jon jonny jonathon
joseph joe joey jo jozef jose josef giuseppe yusuf yousef youssef
joshua josh
julia julie juliet juliette julija
justin justyn
karen karin caren
katherine kate katie katy kathy kath kat kitty
kayleigh kaylee kayley kaley kaylie
keith keef
kenneth ken kenny
khadija khadijah kadija
lawrence laurence larry laurie wawrzyniec lorenzo
leah lea lia leia
leonard leo len lenny leon
lewis louis lou louie luis ludwik
liam william
lily lilly lillie lili
lucy lucie lucia luca
luke lucas lukas luka lukasz
madison maddison maddie maddy
margaret maggie meg peggy marge margo margot maisie daisy greta rita malgorzata gosia
maria mary marie mariam maryam miriam mari marika
mark marc marcus markus marek
martin marty marcin
matthew matt matty mateusz mathew matteo
max maxwell maximilian maks maksymilian
megan meghan meg
michael mike mikey mick micky mickey michal mikhail michel mikael mihai
michelle shelley
mohammed muhammad mohamed mohammad muhammed mohamad mohammod mohd muhamed mahomed mahamed mo
morgan morgane
nathan nate nathaniel nat
neil neal niall nial
nicholas nick nicky nico nikolai mikolaj nicolas
nicola nicole nikki niki
noah noa
olivia liv livvy livvie ollie
oliver ollie olly olivier
owen owain ewan
patrick pat paddy patryk padraig
paul pawel paolo pablo
penelope penny
peter pete piotr pedro pierre
philip phillip phil pip filip felipe
rachel rachael raquel
rebecca rebekah becky becca bex
richard rich rick ricky dick dickie ryszard ricardo
robert rob robbie bob bobby bert robin roberto
roger rodger
ronald ron ronnie
rosemary rose rosie
ruth ruthie
ryan rian ryann
samantha sam sammy
samuel sam sammy
sara sarah sally sadie zara
scott scot
sean shaun shawn shane
sebastian seb bastian sebastien
siobhan shivaun chevonne
sophia sophie sofia zofia sofie
stanley stan stanislaw
stephen steven steve stevie stefan stephan szczepan
stephanie steph stefanie stefania
susan sue susie suzanne suzy
teresa theresa tessa tess terri tracy
terence terrence terry
theodore theo ted teddy
thomas tom tommy tomas tomasz thom
timothy tim timmy
tobias toby
tyler tylor
valerie val
victoria vicky vikki tori vic wiktoria
vincent vince vinnie
walter wally walt
william will willy willie bill billy liam wills wil wilhelm
yusuf yousef youssef yusef joseph
zachary zach zack zak zac
zainab zaynab zenab
zoe zoey zoé
`

/** name → indices of the groups it belongs to */
const INDEX = new Map<string, number[]>()
{
  let g = 0
  for (const line of GROUPS.split('\n')) {
    const names = line.trim().split(/\s+/).filter(Boolean)
    if (names.length < 2) continue
    for (const name of new Set(names)) {
      const list = INDEX.get(name)
      if (list) list.push(g)
      else INDEX.set(name, [g])
    }
    g++
  }
}

/** The variant groups a standardised given name belongs to (empty when it is in none). */
export function variantGroups(name: string): readonly number[] {
  return INDEX.get(name) ?? []
}

/** True when two standardised given names are listed as forms of the same name. */
export function areVariants(a: string, b: string): boolean {
  if (a === b) return true
  const ga = INDEX.get(a)
  const gb = INDEX.get(b)
  if (!ga || !gb) return false
  for (const x of ga) if (gb.includes(x)) return true
  return false
}

export const VARIANT_GROUP_COUNT = new Set([...INDEX.values()].flat()).size
