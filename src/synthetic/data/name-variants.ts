// How the same child's given name is written differently by different services.
// NICKNAMES: the formal name a birth was registered under → the short or familiar forms a school,
// youth worker or charity may record instead ("known as"). SPELLING_VARIANTS: sets of spellings
// that are interchangeable in practice (one is registered, another is keyed in by someone else).
// SIMILAR_NAMES: pairs parents choose for twins.

export const NICKNAMES: Readonly<Record<string, readonly string[]>> = {
  Alexander: ['Alex', 'Alfie', 'Xander', 'Sandy'], Alexandra: ['Alex', 'Lexi', 'Ally', 'Sasha'],
  Oliver: ['Ollie', 'Olly'], William: ['Will', 'Billy', 'Liam', 'Wills'], James: ['Jamie', 'Jim', 'Jimmy'],
  Thomas: ['Tom', 'Tommy'], Benjamin: ['Ben', 'Benji', 'Benny'], Samuel: ['Sam', 'Sammy'], Joseph: ['Joe', 'Joey'],
  Daniel: ['Dan', 'Danny'], Matthew: ['Matt', 'Matty'], Christopher: ['Chris', 'Kit'], Nicholas: ['Nick', 'Nicky'],
  Jonathan: ['Jon', 'Jonny'], Edward: ['Ed', 'Eddie', 'Ted', 'Teddy'], Frederick: ['Freddie', 'Fred', 'Freddy'],
  Alfred: ['Alfie', 'Alf'], Theodore: ['Theo', 'Teddy', 'Ted'], Henry: ['Harry', 'Hal'], Harrison: ['Harry'],
  Charles: ['Charlie'], Robert: ['Rob', 'Bobby', 'Robbie'], Michael: ['Mike', 'Mikey'], Anthony: ['Tony', 'Ant'],
  Joshua: ['Josh'], Nathaniel: ['Nate', 'Nathan'], Zachary: ['Zach', 'Zac', 'Zack'], Zachariah: ['Zach'],
  Elijah: ['Eli'], Sebastian: ['Seb', 'Bash'], Maximilian: ['Max'], Tobias: ['Toby'], Reginald: ['Reggie'],
  Albert: ['Albie', 'Bertie'], Archibald: ['Archie'], Stanley: ['Stan'], Lewis: ['Lew'], Ronald: ['Ronnie'],
  Francis: ['Frankie', 'Frank'], Gabriel: ['Gabe'], Isaac: ['Zac'], Jacob: ['Jake'], Jackson: ['Jack'],
  Harvey: ['Harv'], Reuben: ['Rube'], Wilfred: ['Wilf', 'Alfie'], Ezekiel: ['Zeke'], Muhammad: ['Mo'], Mohammed: ['Mo'],
  Abdullah: ['Abdul'], Abdirahman: ['Abdi'], Abdullahi: ['Abdi'], Jakub: ['Kuba'], Aleksander: ['Olek', 'Alek'],
  Wojciech: ['Wojtek'], Mikołaj: ['Mikołajek'], Stanisław: ['Staś'], Andrei: ['Andy'], Alexandru: ['Alex'],
  Oluwaseun: ['Seun'], Chukwuemeka: ['Emeka'], Toluwani: ['Tolu'], Oluwatobi: ['Tobi'], Ebenezer: ['Ebo'],
  Elizabeth: ['Beth', 'Lizzie', 'Eliza', 'Libby', 'Elsie'], Katherine: ['Kate', 'Katie', 'Kitty'],
  Catherine: ['Cath', 'Kate', 'Katie'], Kate: ['Katie'], Rebecca: ['Becky', 'Becca'], Victoria: ['Tori', 'Vicky'],
  Jessica: ['Jess', 'Jessie'], Abigail: ['Abbie', 'Abby', 'Gail'], Isabella: ['Bella', 'Izzy', 'Issy'],
  Isabelle: ['Izzy', 'Belle'], Isobel: ['Izzy'], Olivia: ['Liv', 'Livvy', 'Ollie'], Amelia: ['Millie', 'Mia'],
  Eleanor: ['Ellie', 'Nell', 'Nora'], Charlotte: ['Lottie', 'Charlie'], Samantha: ['Sam'], Gabriella: ['Gabby', 'Ella'],
  Jennifer: ['Jenny', 'Jen'], Evelyn: ['Evie'], Florence: ['Flo', 'Florrie'], Matilda: ['Tilly', 'Tilda'],
  Penelope: ['Penny'], Josephine: ['Josie'], Margaret: ['Maggie'], Harriet: ['Hattie'], Frances: ['Frankie'],
  Francesca: ['Frankie', 'Cesca'], Georgia: ['Georgie'], Georgina: ['Georgie'], Madison: ['Maddie'],
  Natasha: ['Tash'], Annabelle: ['Annie', 'Bella'], Arabella: ['Bella'], Beatrice: ['Bea', 'Trixie'],
  Imogen: ['Immy'], Sophia: ['Sophie'], Sofia: ['Sophie'], Emilia: ['Millie'], Esmé: ['Esme'],
  Zuzanna: ['Zuzia'], Aleksandra: ['Ola'], Małgorzata: ['Gosia'], Katarzyna: ['Kasia'], Agnieszka: ['Aga'],
  Ioana: ['Ioni'], Temitope: ['Tope'], Oluwafunmilayo: ['Funmi'], Fiyinfoluwa: ['Fiyin'], Simisola: ['Simi'],
  Khadija: ['Dija'], Maryam: ['Mimi'],
}

export const SPELLING_VARIANTS: readonly (readonly string[])[] = [
  ['Muhammad', 'Mohammed', 'Mohammad', 'Mohamed', 'Muhammed', 'Mohamad'],
  ['Ahmed', 'Ahmad', 'Ahmet'], ['Yusuf', 'Yousef', 'Yusef', 'Yousuf'], ['Ibrahim', 'Ebrahim'],
  ['Hussain', 'Hussein', 'Husain'], ['Zakariya', 'Zakaria', 'Zakariyya'], ['Isa', 'Eesa', 'Issa'],
  ['Aidan', 'Aiden', 'Ayden', 'Aydan'], ['Jayden', 'Jaden', 'Jaiden'], ['Kayden', 'Kaiden', 'Caden'],
  ['Elliot', 'Elliott', 'Eliot'], ['Zac', 'Zak', 'Zack'], ['Reece', 'Rhys', 'Reese'], ['Callum', 'Calum'],
  ['Lewis', 'Louis', 'Louie'], ['Phillip', 'Philip'], ['Stephen', 'Steven'], ['Sean', 'Shaun', 'Shawn', 'Seán'],
  ['Kieran', 'Ciarán', 'Ciaran'], ['Connor', 'Conor'], ['Alex', 'Alec'], ['Mateo', 'Matteo'], ['Luca', 'Luka'],
  ['Isabelle', 'Isabel', 'Isobel', 'Isabell'], ['Sophia', 'Sofia'], ['Leah', 'Lea', 'Leigh'], ['Zoe', 'Zoë', 'Zoey'],
  ['Chloe', 'Chloë', 'Khloe'], ['Amelie', 'Amélie'], ['Esme', 'Esmé', 'Esmee'], ['Lily', 'Lilly', 'Lillie'],
  ['Maisie', 'Maisy', 'Macie'], ['Macy', 'Macie', 'Maci'], ['Darcie', 'Darcey', 'Darcy'], ['Hollie', 'Holly'],
  ['Mollie', 'Molly'], ['Abbie', 'Abby', 'Abi'], ['Layla', 'Leila', 'Laila', 'Leyla'], ['Aaliyah', 'Aliyah', 'Aleah'],
  ['Aisha', 'Ayesha', 'Aysha'], ['Fatima', 'Fatimah'], ['Maryam', 'Mariam', 'Maryum'], ['Zainab', 'Zaynab'],
  ['Hannah', 'Hanna'], ['Sara', 'Sarah'], ['Eva', 'Ava'], ['Mila', 'Milla'], ['Lyla', 'Lila', 'Lilah'],
  ['Niamh', 'Neve', 'Neave'], ['Siobhán', 'Siobhan', 'Shivaun'], ['Aoife', 'Eefa'], ['Ffion', 'Fion'],
  ['Freya', 'Freja', 'Freyja'], ['Ellie', 'Elly'], ['Kiera', 'Keira', 'Kira'], ['Nour', 'Noor'],
  ['Nguyễn', 'Nguyen'], ['Wiśniewski', 'Wisniewski'], ['Mohamed', 'Mohamud'],
]

export const SIMILAR_NAMES: readonly (readonly [string, string])[] = [
  ['Aidan', 'Aiden'], ['Isabella', 'Isabelle'], ['Jayden', 'Jaden'], ['Ella', 'Ellie'], ['Harry', 'Harvey'],
  ['Ruby', 'Rosie'], ['Alfie', 'Archie'], ['Lily', 'Lola'], ['Mia', 'Maya'], ['Amelia', 'Amelie'],
  ['Finley', 'Finn'], ['Hassan', 'Hussain'], ['Leo', 'Luca'], ['Evie', 'Eva'], ['Oscar', 'Otis'],
  ['Poppy', 'Posy'], ['Jack', 'Jake'], ['Lacey', 'Lucy'], ['Reggie', 'Ronnie'], ['Hamza', 'Hasan'],
]
