// Given names by origin, as frequency tables: "Name:weight" entries, separated by whitespace.
// English weights approximate the yearly number of babies given the name in England and Wales
// across the birth years of today's children (ONS baby-name counts, 2008–2025, rounded), less the
// names that the other origins carry (so Muhammad is counted once). Other origins' lists are
// ranked by popularity in the community; an entry without a weight gets a Zipf weight from its
// rank (see names.ts), and the names that dominate a community (Muhammad as a Pakistani or
// Bangladeshi boy's first name) carry explicit weights on the same scale.

import type { OriginCode } from './origins.ts'

export interface GivenNameLists {
  readonly female: string
  readonly male: string
}

export const GIVEN_NAMES: Readonly<Record<OriginCode, GivenNameLists>> = {
  english: {
    female: `
      Amelia:4300 Olivia:4200 Emily:3300 Isla:2800 Ava:2900 Lily:2900 Jessica:2400 Isabella:2300
      Mia:2300 Poppy:2300 Grace:2300 Ella:2200 Sophie:2000 Ruby:2000 Evie:2000 Charlotte:1900
      Freya:1900 Sophia:1900 Chloe:1800 Ivy:1800 Florence:1700 Alice:1600 Daisy:1600 Millie:1600
      Evelyn:1500 Willow:1500 Sofia:1400 Rosie:1400 Ellie:1300 Sienna:1300 Scarlett:1300 Lucy:1300
      Elsie:1200 Phoebe:1200 Molly:1200 Holly:1100 Isabelle:1100 Matilda:1100 Harper:1100 Layla:1000
      Mila:1000 Maisie:1000 Eva:1000 Violet:1000 Hannah:900 Lola:900 Imogen:900 Aria:900 Esme:900
      Megan:800 Emma:800 Elizabeth:800 Amber:800 Erin:800 Rose:800 Summer:800 Thea:800 Gracie:700
      Eleanor:700 Eliza:700 Bella:700 Georgia:700 Abigail:700 Lilly:700 Emilia:600 Harriet:600
      Zara:600 Heidi:600 Nancy:600 Leah:600 Lexi:600 Katie:600 Jasmine:600 Robyn:500 Lottie:500
      Orla:500 Maya:500 Amelie:500 Anna:500 Aurora:500 Luna:500 Penelope:500 Lauren:500 Aaliyah:500
      Zoe:450 Darcie:400 Ada:400 Madison:400 Paige:400 Rebecca:400 Bethany:400 Caitlin:400 Leila:400
      Isobel:400 Annabelle:400 Eve:400 Olive:400 Amy:400 Edith:300 Mabel:300 Margot:300 Delilah:300
      Clara:300 Mollie:300 Skye:300 Tilly:300 Iris:300 Hazel:300 Naomi:250 Beatrice:350 Lyla:300
      Elsa:300 Lila:300 Hollie:300 Isabel:300 Victoria:300 Arabella:300 Ayla:300 Lydia:300 Keira:300
      Abbie:300 Sarah:300 Darcey:250 Darcy:250 Elodie:250 Gabriella:250 Jade:250 Courtney:250
      Shannon:250 Lily-Mae:250 Hallie:200 Ellie-Mae:200 Abby:200 Francesca:200 Alexandra:200
      Nina:200 Nora:200 Sara:200 Kayla:200 Tia:200 Macie:200 Macy:200 Faith:200 Hope:200 Myla:200
      Ophelia:200 Niamh:200 Katherine:150 Catherine:150 Samantha:150 Natasha:150 Nicole:150
      Demi:150 Lea:150 Kiera:100 Jennifer:100 Serena:100 Amélie:100 Zoë:80 Lacey-Mae:100
      Chloë:40 Lacey:200 Maddison:150 Kacey:80 Brooke:250 Alexa:150
     
      Esmé:60 Mae:200 Frankie:150 Ruth:100 Martha:300 Primrose:80 Winnie:200
      Bonnie:250 Maggie:150 Edie:200 Marnie:150 Orla-Mae:40 Tallulah:100 Felicity:150 Maria:200
      Leyla:100 Rosa:150 Hattie:150 Emmie:60 Kate:120 Bea:80 Liberty:150 Autumn:150 Indie:120
      Sadie:150 Connie:150 Nell:100 Pippa:80 Mya:200 Eden:200 Ariana:200 Aurelia:100 Cleo:100
      Cora:150 Freyja:60 Effie:100 Sylvie:80 Dolly:100 Lilah:150 Lilah-Rose:40 Jorgie:80
      Georgie:150 Alyssa:150 Elena:150 Eloise:200 Melissa:100 Libby:200 Beth:60 Becky:20
      Jessie:100 Kitty:80 Lizzie:40 Izzy:40 Liv:20 Tori:20 Gabby:20 Josie:100 Josephine:100
      Florrie:60 Flo:10
    `,
    male: `
      Oliver:5500 Jack:4500 Harry:4500 George:4300 Noah:4000 Charlie:3700
      Jacob:3000 Alfie:2700 Leo:2700 Oscar:2500 Arthur:2500 Thomas:2500 James:2500 Freddie:2400
      William:2400 Archie:2400 Joshua:2200 Henry:2100 Theo:2000 Ethan:1900
      Joseph:1600 Samuel:1600 Lucas:1600 Daniel:1500 Max:1500 Isaac:1500 Logan:1500 Riley:1500
      Alexander:1400 Dylan:1400 Teddy:1300 Mason:1200 Finley:1200 Edward:1200 Luca:1200
      Tommy:1100 Elijah:1000 Adam:1000 Reggie:900 Albie:900 Rory:900 Harrison:900 Sebastian:900
      Toby:900 Tyler:900 Benjamin:900 Lewis:900 Harvey:900 Ronnie:800 Jude:800 Louie:800
      Stanley:800 Bobby:800 Jayden:700 Callum:700 Matthew:700 Hugo:700 Frankie:700 Jenson:700
      Louis:700 Ryan:700 Liam:600 Jamie:600 Zachary:600 Ezra:600 Harley:600 Reuben:600 Kai:600
      Theodore:600 Kian:500 Nathan:500 Luke:500 Connor:500 Cameron:500 Owen:500 Caleb:500
      Blake:500 Gabriel:500 Michael:500 David:500 Felix:500 Arlo:500 Milo:500
      Aaron:400 Ollie:400 Ellis:400 Hunter:400 Ralph:400 Hudson:400
      Jasper:400 Jake:400 Roman:400 Aiden:450
      Albert:400 Finn:400 Jaxon:400 Dexter:400 Sonny:400 Elliot:400 Ben:300 Kyle:300 Elliott:300
      Rowan:300 Nathaniel:300 Christopher:300 Jordan:300 Bradley:300 Carter:300 Jackson:300
      Otis:300 Alfred:300 Frederick:300 Charles:300 Tobias:300 Jesse:300
      Mateo:300 Leon:300 Rhys:300 Bailey:300 Kieran:250 Brandon:250 John:250 Aidan:200
      Jaden:200 Jax:200 Marcus:200 Luka:200 Maximilian:200
      Grayson:200 Reece:200 Alex:200 Anthony:200 Robert:200 Sam:200 Cody:200 Kayden:200
      Declan:150 Spencer:150 Ashton:150 Corey:150 Ayden:100 Rupert:100 Tristan:100
      Peter:100 Shay:100 Zac:150 Zack:100 Joe:150 Tom:60 Will:40 Harry-James:30 Alfie-Lee:20
      Ted:60 Eddie:150 Fred:60 Nicholas:150 Jonathan:150 Jonah:200 Ezekiel:100
      Malachi:200 Rafael:150 Xavier:150
      Jenson-Lee:20 Lenny:200 Alfie-Jay:20 Chester:100 Hendrix:100 Wilfred:150 Ernest:100
      Austin:200 Ivan:100 Miles:200 Vincent:100 Enzo:150 Axel:100 Brody:100 Callan:80 Cole:100
      Danny:100 Jacob-Lee:10 Oakley:200 Ronan:100 Arthur-James:20 Kit:100 Jesse-James:10
      Kaiden:100 Leighton:80 Mikey:20 Billy:300 Robbie:100 Jamie-Lee:20 Alexzander:20
      Zachariah:100 Ethan-James:20 Lincoln:100 Eli:200 Elias:150
    `,
  },
  irish: {
    female: 'Aoife Niamh Saoirse Róisín Ciara Caoimhe Orla Siobhán Clodagh Sinéad Aisling Fiadh Éabha Cara Ailbhe Gráinne Maeve Áine Nuala Erin Eimear Méabh Síofra Bríd',
    male: 'Seán Conor Cian Oisín Darragh Ciarán Eoin Cillian Fionn Tadhg Pádraig Rónán Liam Diarmuid Declan Colm Niall Ruairí Daithí Shane Cathal Odhrán Séamus Eoghan',
  },
  scottish: {
    female: 'Isla Eilidh Skye Iona Kirsty Morag Ailsa Mhairi Catriona Fiona Isbel Shona Rhona Eilish Kirsten',
    male: 'Callum Fraser Lachlan Hamish Euan Angus Ruaridh Alasdair Finlay Murray Struan Calum Innes Dougal Ewan',
  },
  welsh: {
    female: 'Seren Cerys Ffion Megan Carys Alys Mali Lowri Nia Eleri Angharad Gwen Elin Mared Non Begw Heledd Catrin',
    male: 'Rhys Dylan Osian Gethin Owain Ioan Iestyn Cai Tomos Macsen Emyr Gruffydd Dafydd Llŷr Steffan Morgan Aled Huw',
  },
  polish: {
    female: 'Zuzanna Zofia Julia Maja Lena Hanna Alicja Oliwia Wiktoria Amelia Natalia Aleksandra Nikola Emilia Martyna Gabriela Antonina Łucja Małgorzata Katarzyna Agnieszka',
    male: 'Jakub Szymon Antoni Filip Jan Kacper Aleksander Franciszek Mikołaj Wojciech Adam Michał Marcel Stanisław Wiktor Piotr Igor Bartosz Dawid Kamil Oskar Łukasz Paweł',
  },
  romanian: {
    female: 'Maria Ioana Elena Andreea Alexandra Bianca Daria Ana Sofia Ariana Antonia Denisa Larisa Gabriela Ștefania Raluca Irina Alina',
    male: 'Andrei Alexandru David Ștefan Luca Matei Mihai Gabriel Ionuț Darius Rareș Vlad Cristian Florin Marius Răzvan Sebastian Bogdan',
  },
  portuguese: {
    female: 'Beatriz Leonor Matilde Inês Mariana Carolina Francisca Lara Sofia Ana Letícia Íris Camila',
    male: 'João Tiago Rodrigo Francisco Martim Santiago Tomás Afonso Duarte Gonçalo Guilherme Vicente Simão',
  },
  pakistani: {
    female: 'Maryam Fatima Aisha Zainab Hafsa Khadija Inaya Hania Eshaal Anaya Zara Aleena Amna Haniya Mariam Noor Safa Iqra Sana Alisha Ayesha Manahil Mahnoor Hoorain Aminah Eman Areeba Zahra Safiya Amira Hana Hawa Aleeza',
    male: 'Muhammad:2000 Mohammed:800 Ibrahim Yusuf Hamza Ayaan Zayan Abdullah Umar Ali Hassan Usman Bilal Haris Rayyan Zakariya Musa Ahmed Hussain Hamdan Arham Zain Saad Talha Shayan Mikail Ismail Mohammad Isa Eesa Zayn Omar Idris Ilyas Yahya Muhammed',
  },
  bangladeshi: {
    female: 'Ayesha Safa Inaya Tasnim Sumaiya Nusrat Raisa Zara Maryam Ruqayyah Hafsa Sadia Tahmina Nabila Samiha Fahima Jannat',
    male: 'Muhammad:1500 Mohammed:600 Abdul Rayhan Ayaan Zayan Ibrahim Tahmid Arham Rahim Sami Rafi Tanvir Imran Yahya Mahir Rayan Yusuf Zakariya Mikail',
  },
  indian: {
    female: 'Anaya Aanya Saanvi Diya Aaradhya Priya Simran Harleen Navya Kiara Amaira Myra Riya Ishani Jasleen Manpreet Gurleen Asha Meera Tara Anika Avani Jasmeet',
    male: 'Arjun Aarav Vihaan Reyansh Krish Aryan Rohan Dev Veer Arav Kabir Ishaan Jai Harjot Gurveer Arjan Jaskaran Rahul Sahil Neel Advik Aditya Karan',
  },
  chinese: {
    female: 'Mei Xin Yan Jia Ying Hui Qian Yu Lin Xiao Wen Ting',
    male: 'Jun Wei Hao Yu Jian Ming Hong Kai Zhi Jie Yi Chen',
  },
  vietnamese: {
    female: 'Linh Anh Ngọc Thảo Trang Mai Hà Hương Phương Vy Thu Nhi',
    male: 'Minh Huy Đức Nam Hùng Khang Bảo Phúc Quang Tuấn Khoa Long',
  },
  west_african: {
    female: 'Favour Precious Blessing Amara Chioma Adaeze Zainab Ifeoma Temitope Abena Akosua Efua Adwoa Ama Esi Nana Adaora Chidinma Ngozi Simisola Ayomide Tolulope Eniola Fiyinfoluwa Ife Halima Deborah Esther Mercy Peace',
    male: 'David Daniel Samuel Emmanuel Joshua Michael Tobi Oluwaseun Ayomide Chinedu Chukwuemeka Emeka Ikenna Kwame Kofi Kwabena Yaw Kojo Kwesi Obinna Femi Tunde Gideon Elijah Nathaniel Jeremiah Ebenezer Prince Praise Toluwani',
  },
  somali: {
    female: 'Amina Hodan Ifrah Sagal Ayaan Fardowsa Hibo Nasra Sumaya Hamdi Maryan Ubah Ladan Khadra Ilhan Sahra',
    male: 'Mohamed Abdirahman Abdullahi Ahmed Abdi Hassan Ali Yusuf Ismail Mahad Liban Guled Abdikarim Said Hamza Zakaria',
  },
  arab: {
    female: 'Maryam Nour Noor Sara Layla Lina Jana Hana Malak Salma Rama Yasmin Farah Rahaf Aya Reem Jouri',
    male: 'Mohammed Ahmad Omar Yousef Ali Adam Hamza Khalid Karim Zaid Amir Tariq Ibrahim Mustafa Hassan Abdallah Yamen',
  },
  turkish: {
    female: 'Elif Zeynep Defne Ecrin Azra Eylül Nehir Asya Ayşe Zehra Meryem Melek Yağmur Ela Büşra Duru',
    male: 'Yusuf Eymen Ömer Mustafa Ali Emir Mehmet Ahmet Kerem Miraç Çınar Aras Alp Burak Emre Berat Hüseyin',
  },
}

/** English parents' and grandparents' generations (born about 1950–2005), ranked. */
export const ADULT_GIVEN_NAMES: GivenNameLists = {
  female: `Sarah Emma Laura Rebecca Claire Gemma Hannah Amy Charlotte Jessica Lauren Nicola Kelly Lisa
    Rachel Louise Victoria Jennifer Kirsty Stacey Samantha Michelle Katie Sophie Natalie Zoe Danielle
    Hayley Jade Amanda Joanne Helen Catherine Stephanie Leanne Kerry Lucy Jodie Holly Chloe Susan Julie
    Karen Tracy Linda Angela Alison Deborah Jacqueline Wendy Sharon Elaine Dawn Kate Katherine Anna
    Megan Bethany Georgia Abigail Rosie`,
  male: `David James Daniel Christopher Michael Matthew Thomas Andrew Richard Mark Paul Robert John Steven
    Lee Craig Adam Benjamin Jonathan Ryan Luke Jamie Scott Ashley Darren Wayne Dean Carl Gary Stuart
    Simon Liam Martin Kevin Jason Nathan Samuel Joseph Peter Stephen Ian Neil Anthony Philip Alan Graham
    Kieran Jordan Aaron Callum Jack Alexander William Sean Shaun Gareth Marc`,
}
