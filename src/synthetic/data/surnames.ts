// Surnames by origin, in the same "Name:weight" format as given-names.ts. English weights
// approximate the number of people (thousands) holding the surname in England and Wales; other
// origins are ranked and get Zipf weights. A share of English surnames comes instead from
// SURNAME_PARTS, which compose thousands of rare toponymic surnames (Ashworth, Holcroft,
// Whitby…): the long tail that a few hundred common names cannot give.

import type { OriginCode } from './origins.ts'

export const SURNAMES: Readonly<Record<OriginCode, string>> = {
  english: `
    Smith:550 Jones:420 Williams:300 Taylor:250 Brown:215 Davies:210 Evans:160 Wilson:160
    Thomas:155 Johnson:150 Roberts:140 Robinson:130 Thompson:130 Wright:125 Walker:120 White:115
    Edwards:115 Hughes:110 Green:110 Hall:110 Lewis:105 Harris:105 Clarke:100 Patel:100 Jackson:100
    Wood:95 Turner:90 Martin:90 Cooper:88 Hill:86 Ward:85 Morris:85 Moore:84 Clark:82 Lee:80 King:80
    Baker:79 Harrison:78 Morgan:75 Allen:74 James:73 Scott:72 Phillips:70 Watson:70 Davis:69
    Parker:68 Price:67 Bennett:66 Young:65 Griffiths:64 Mitchell:63 Kelly:62 Cook:62 Carter:61
    Richardson:60 Bailey:60 Collins:59 Bell:58 Shaw:58 Murphy:57 Miller:57 Cox:56 Richards:55
    Khan:55 Marshall:54 Anderson:54 Simpson:53 Ellis:53 Adams:52 Singh:52 Begum:50 Wilkinson:50
    Foster:49 Chapman:49 Powell:48 Webb:48 Rogers:47 Gray:47 Mason:46 Ali:46 Hunt:45 Hussain:45
    Campbell:44 Matthews:44 Owen:44 Palmer:43 Holmes:43 Mills:42 Barnes:42 Knight:42 Lloyd:41
    Butler:41 Russell:40 Barker:40 Fisher:40 Stevens:39 Jenkins:39 Murray:39 Dixon:38 Harvey:38
    Graham:37 Pearson:37 Ahmed:37 Fletcher:36 Walsh:36 Kaur:36 Gibson:35 Howard:35 Andrews:35
    Stewart:34 Elliott:34 Reynolds:34 Saunders:33 Payne:33 Fox:33 Ford:32 Pearce:32 Day:32
    Brooks:31 West:31 Lawrence:31 Cole:30 Atkinson:30 Bradley:30 Spencer:30 Gill:29 Dawson:29
    Ball:29 Burton:28 O'Brien:28 Watts:28 Rose:28 Booth:27 Perry:27 Ryan:27 Grant:27 Wells:26
    Armstrong:26 Francis:26 Rees:26 Hayes:25 Hart:25 Hudson:25 Newman:25 Barrett:24 Webster:24
    Hunter:24 Gregory:24 Carr:23 Lowe:23 Page:23 Marsh:23 Riley:23 Dunn:22 Woods:22 Parsons:22
    Berry:22 Stone:22 Reid:21 Holland:21 Hawkins:21 Harding:21 Porter:21 Robertson:20 Newton:20
    Oliver:20 Reed:20 Kennedy:20 Williamson:20 Bird:19 Gardner:19 Shah:19 Dean:19 Lane:19 Cooke:19
    Bates:18 Henderson:18 Parry:18 Burgess:18 Bishop:18 Walton:18 Burns:17 Nicholson:17
    Shepherd:17 Ross:17 Cross:17 Long:17 Freeman:17 Warren:16 Nicholls:16 Hamilton:16 Byrne:16
    Sutton:16 McDonald:16 Yates:16 Hodgson:15 Robson:15 Curtis:15 Hopkins:15 O'Connor:15
    Harper:15 Coleman:15 Watkins:14 Moss:14 McCarthy:14 Chambers:14 O'Neill:14 Griffin:14
    Sharp:14 Hardy:13 Wheeler:13 Potter:13 Osborne:13 Johnston:13 Gordon:13 Doyle:13 Wallace:13
    George:12 Jordan:12 Hutchinson:12 Rahman:12 Iqbal:11 Akhtar:11 Islam:11 Mahmood:11 Uddin:10
    Miah:10 Lambert:12 Barber:12 Blake:12 Pratt:11 Fowler:11 Black:11 Hammond:11 Buckley:11
    Stephenson:11 Tucker:11 Bryant:10 Holt:10 Goodwin:10 Pugh:10 Welch:10 Randall:10 Ingram:9
    Hewitt:9 Jennings:9 Fraser:9 Sanders:9 Holden:9 Doherty:9 Norris:9 Goddard:9 Briggs:9 Dale:8
    Hurst:8 Greenwood:8 Ashton:8 Benson:8 Frost:8 Bolton:8 Slater:8 Rowe:8 Kirby:8 Connolly:8
    Summers:7 Sheppard:7 Pickering:7 Howell:7 Garner:7 Whitehead:7 Birch:7 Abbott:7 Boyle:7
    Thornton:7 Rowley:6 Finch:6 Tyler:6 Hobbs:6 Peacock:6 Nash:6 Waters:6 Swift:6 Cartwright:6
    Flynn:6 Quinn:6 Hopkinson:5 Hanson:5 Cunningham:5 Read:5 Horton:5 Lord:5 Sykes:5 Duffy:5
    Brennan:5 Stanley:5 Austin:5 Bentley:5 Fleming:5 Kemp:5 Winter:5 Charlton:5 Hinds:3 Gayle:3
    Campbell-Brown:1 Smith-Jones:1 Spencer-Jones:1 Lloyd-Williams:1 Ward-Smith:1
  `,
  irish: "Murphy Kelly O'Brien O'Sullivan Byrne Ryan O'Connor O'Neill Walsh McCarthy Doyle Gallagher O'Reilly Kennedy Lynch Quinn Fitzgerald Brennan Flanagan Maguire McLoughlin Kavanagh Donnelly Nolan O'Donnell",
  scottish: 'Campbell Stewart MacDonald Robertson Thomson Murray Ross Fraser Cameron Mackenzie MacLeod Sinclair Munro Grant Hamilton Buchanan Kerr Ferguson Maclean Paterson McKay',
  welsh: 'Jones Davies Williams Evans Thomas Roberts Hughes Lewis Morgan Griffiths Price Jenkins Rees Owen Lloyd Pritchard Prosser Powell Vaughan Llewellyn Bowen',
  polish: 'Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski Pawłowski Michalski Król Wieczorek Jabłoński Majewski',
  romanian: 'Popa Popescu Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu Ionescu Rusu Munteanu Constantin Mihai Lazăr Moldovan Florea Dinu Tudor Marin Șerban Ilie Nistor Barbu',
  portuguese: 'Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Sousa Fernandes Gonçalves Gomes Lopes Marques Almeida Ribeiro Pinto Carvalho Teixeira Jesus',
  pakistani: 'Khan Hussain Ahmed Ali Mahmood Iqbal Akhtar Shah Malik Butt Mohammed Rashid Riaz Aslam Bibi Younis Raza Sadiq Bashir Nawaz Javed Arshad Mirza Qureshi Anwar Tariq Saleem',
  bangladeshi: 'Begum Rahman Uddin Ahmed Ali Miah Islam Hussain Hossain Khatun Choudhury Chowdhury Hoque Haque Alam Karim Akter Khanom Ullah Bibi Mia',
  indian: 'Patel Singh Kaur Sharma Kumar Shah Gill Sandhu Mistry Parmar Chauhan Sidhu Dhillon Bains Mehta Joshi Desai Gupta Rai Grewal Johal Sahota Atwal Bhatt Lad Solanki Makwana Thakrar Naik',
  chinese: 'Chen Wang Wong Li Zhang Liu Chan Lee Cheung Lam Ng Ho Yang Huang Zhao Wu Zhou Lin Tang Leung Yip Chow Lau Tsang',
  vietnamese: 'Nguyễn Nguyen Trần Tran Lê Le Phạm Pham Hoàng Huỳnh Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương',
  west_african: 'Okafor Okonkwo Adeyemi Adebayo Mensah Asante Boateng Osei Owusu Okeke Eze Nwosu Ogunleye Olawale Appiah Agyeman Ibrahim Bello Danso Ansah Amoah Addo Darko Sarpong Kamara Conteh Sesay Bangura Koroma Adeleke Akinola Babatunde Ogunbiyi Oyelaran',
  somali: 'Mohamed Ahmed Abdi Ali Hassan Hussein Farah Warsame Omar Osman Yusuf Ibrahim Jama Aden Abdullahi Nur Hersi Egal Guled Dahir',
  arab: 'Al-Sayed Hassan Ibrahim Mahmoud Abdullah Saleh Khalil Haddad Nasser Al-Amin Mansour Hamdan Aziz Salem El-Masri Yousef Al-Hashimi Darwish Qasim Khoury',
  turkish: 'Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Polat',
}

/**
 * Composed surnames, the long tail of each origin that has one: prefix + suffix, each ranked, so
 * common compositions (Ashworth, Adeyemi) are frequent and rare ones (Goldcombe) rare. `share` is
 * the part of the origin's surnames drawn from here rather than from the table above.
 */
export const SURNAME_TAILS: Readonly<Partial<Record<OriginCode, { share: number; prefixes: string; suffixes: string }>>> = {
  // The 330 commonest English surnames hold about 40% of English-origin people; the rest is tail.
  english: {
    share: 0.6,
    prefixes: `Ash Black Brad Brook Hol Whit Green Hart Wood Mar Stan Thorn Fair Lang Clay Hay Mill Moor Red Shel
      Kings Church Wal Wes Bur Cal Cran Dar Farn Hal Hat Hor Lin Mid Nor Ox Pen Rad Rams Rid Rock Rush Sher
      South Stock Sut Tur Up Wake Wind Wor Ack Al Bar Bick Brom Chad Cot Dun Elm Ever Fen Gold Ells Cold`,
    suffixes: 'worth ley ton shaw field wood by well croft ford ham hurst more dale den bury wick low stone cliffe combe gate ridge ington sall',
  },
  // Yoruba surnames are compositional (Ade + yemi, Olu + wale), which gives Nigerian names their variety.
  west_african: {
    share: 0.45,
    prefixes: 'Ade Ola Olu Akin Ayo Ogun Oye Fola Oluwa Baba Kola Dayo Ife Tolu Bola Sola Femi Jide Omo',
    suffixes: 'yemi bayo wale tunde kunle dele sola femi seun lade yinka mide nike sanmi gbenga leke kanmi tayo',
  },
}
