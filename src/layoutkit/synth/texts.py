"""Original news-style texts for synthetic pages, and how articles are composed.

Every sentence here was written for this project (no copyrighted source).  An
article is a headline, an optional deck (smaller second headline), a dateline
or byline and body paragraphs sampled from a topic's paragraph pool, so pages
differ from seed to seed while the text is always known exactly.

Chinese texts use full-width punctuation; English texts deliberately contain
hyphenated compounds ("well-known", "long-term", "state-owned", ...) so that
some of them fall at line ends.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput, InputNotFound


@dataclass(frozen=True, slots=True)
class ArticleText:
    """Known text of one article.  ``paragraphs[0]`` starts with the dateline
    (Chinese) or is the "By ..." byline when ``byline`` is True (English).
    ``deck`` is a smaller second headline line ("" when none); in the
    ground-truth text it is joined to the headline with one space.
    ``caption`` is the photo caption ("" means the article has no photo)."""

    headline: str
    paragraphs: tuple[str, ...]
    deck: str = ""
    byline: bool = False
    caption: str = ""
    language: str = "zh"
    photo: bool = False  # a photo even without a caption
    continues: bool = False  # paragraphs[0] continues from another page: no indent
    jump_before: str = ""  # jump line printed above the body ("上接第1版")
    jump_after: str = ""  # jump line printed after the body ("下转第2版")

    @property
    def has_photo(self) -> bool:
        return self.photo or bool(self.caption)


ZH_REPORTERS = (
    "张可馨", "吴梦婷", "李明远", "陈思雨", "王建国", "刘晓燕", "赵一凡", "孙立平",
    "周文博", "钱丽华", "郑海涛", "冯雪", "何嘉怡", "许志强", "邓宁", "唐若溪",
)
ZH_CITIES = ("北京", "上海", "广州", "杭州", "成都", "武汉", "西安", "南京", "长沙", "昆明")

# topic -> (headlines, decks, paragraphs, captions)
ZH_TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "meeting": (
        ("市政府常务会议研究部署近期重点工作", "区委理论学习中心组举行专题学习会",
         "全市优化营商环境推进大会召开", "县人大常委会召开第十二次会议"),
        ("聚焦民生实事 压实工作责任", "坚持问题导向 推动工作落地见效"),
        ("会议指出，今年以来全市上下坚持稳中求进工作总基调，经济运行总体平稳、稳中有进，民生保障持续加强，社会大局和谐稳定。各地各部门要进一步增强责任感和紧迫感，对照年初确定的目标任务逐项梳理，查漏补缺，确保全年各项工作圆满收官。",
         "会议强调，要把优化营商环境作为“一把手”工程，持续深化“放管服”改革，推行更多事项“一网通办”“一次办好”，切实降低企业制度性交易成本，让经营主体办事更方便、投资更放心、发展更安心。",
         "会议听取了关于城市更新行动、老旧小区改造和背街小巷整治情况的汇报。会议要求，要坚持规划引领、分类施策，统筹推进基础设施完善和公共服务配套，把好事办好、实事办实，不断提升群众的获得感、幸福感和安全感。",
         "会议审议通过了《关于进一步加强安全生产工作的实施意见》。会议指出，安全生产责任重于泰山，要紧盯道路交通、建筑施工、危险化学品、燃气等重点行业领域，深入开展隐患排查整治，坚决防范和遏制重特大事故发生。",
         "会议要求，各级领导干部要带头深入基层、深入一线，多到困难多、矛盾多、群众意见多的地方去，面对面听取意见建议，实打实解决急难愁盼问题，以扎实的工作作风推动各项决策部署落地落实。",
         "会议还研究了其他事项。",
         "会议指出，要扎实做好岁末年初各项工作，统筹抓好节日市场供应、物价稳定、困难群众帮扶和根治欠薪等工作，确保群众安全温暖过冬。",
         "与会人员围绕议题展开深入讨论，结合各自分管领域和工作实际，就做好下一阶段工作提出了意见和建议。"),
        ("图为会议现场。", "图为与会人员认真听取汇报。"),
    ),
    "economy": (
        ("前三季度全市外贸进出口稳中有升", "一季度工业经济实现良好开局",
         "新能源汽车产业链加速集聚", "县域消费市场持续回暖"),
        ("新兴产业成为增长主引擎", "多项指标增速高于全省平均水平"),
        ("据海关统计，前三季度全市货物贸易进出口总值同比增长百分之六点八，其中出口增长百分之八点二，进口增长百分之四点五。机电产品、新能源产品出口保持较快增长，对共建“一带一路”国家进出口占比进一步提高。",
         "今年以来，当地聚焦先进制造业集群培育，围绕整车、动力电池、电机电控等关键环节精准招商，已累计引进产业链项目四十余个，总投资超过三百亿元，初步形成了从原材料到终端产品的完整产业链条。",
         "市统计局有关负责人表示，规模以上工业增加值保持较快增长，高技术制造业和装备制造业增加值分别增长百分之十一点三和百分之九点六，对全市工业增长的贡献率超过六成，产业结构持续优化。",
         "走进位于经济开发区的一家电池材料企业，自动化生产线正满负荷运转，机械臂有条不紊地完成上料、涂布、分切等工序。企业负责人介绍，今年订单量比去年同期增长近三成，工人们正加班加点赶制订单。",
         "在消费领域，各地推出形式多样的促消费活动，发放消费券、举办美食节和夜市，带动餐饮、零售、文旅等行业客流明显回升。数据显示，社会消费品零售总额同比增长百分之七点一，升级类商品销售增势良好。",
         "业内专家分析认为，外部环境依然复杂严峻，企业要在稳住传统市场的同时积极开拓新兴市场，加大研发投入，提升产品附加值，以创新赢得发展主动权。",
         "下一步，该市将继续落实好减税降费、稳岗扩岗等政策措施，加大对中小微企业的金融支持力度，推动更多优质项目早开工、早投产、早见效。"),
        ("图为工人在生产线上忙碌。", "图为港口集装箱码头一派繁忙景象。"),
    ),
    "culture": (
        ("非遗展演走进社区 传统技艺焕发新活力", "第十届城市读书节开幕",
         "古镇保护利用探索新路径", "博物馆推出夜间开放特色活动"),
        ("让文化遗产活起来", "书香浸润城市 阅读点亮生活"),
        ("活动现场，剪纸、面塑、糖画、竹编等十余个非遗项目集中亮相，传承人现场展示技艺并与市民互动。不少家长带着孩子前来体验，一张红纸在老艺人手中翻转几下，便成了栩栩如生的窗花。",
         "本届读书节以“阅读新时代 书香满城市”为主题，将持续一个月，期间将举办名家讲座、图书市集、亲子共读、经典诵读等一百余场活动，覆盖全市各个街道和乡镇。",
         "近年来，当地坚持保护第一、合理利用的原则，对古镇内的明清建筑进行修缮，完善排水、消防等基础设施，同时引入文创、民宿、非遗工坊等业态，让古镇既留住了乡愁，又焕发了生机。",
         "博物馆有关负责人介绍，夜间开放期间，馆内将推出专题导览、文物修复体验和主题音乐会等活动，市民游客可通过官方平台预约参观。开放首周，预约人数已超过一万人次。",
         "“以前觉得非遗离我们很远，今天亲手做了一件作品，才知道其中有这么多讲究。”正在上初中的小李说，他打算把这份作品送给奶奶。",
         "据了解，今年全市已建成城市书房三十二家，实现二十四小时自助借阅，年接待读者超过一百五十万人次，成为市民身边的“文化客厅”。",
         "专家表示，文化遗产保护既要守住根脉，也要守正创新，通过数字化手段和年轻人喜闻乐见的方式，让更多人了解传统、热爱传统。"),
        ("图为传承人现场展示剪纸技艺。", "图为市民在城市书房阅读。"),
    ),
    "sports": (
        ("全民健身运动会圆满落幕", "城市马拉松赛鸣枪开跑",
         "青少年足球联赛激战正酣", "我市运动员在全国锦标赛上夺得金牌"),
        ("三万名跑者奔跑在湖畔赛道", "赛事带动体育消费"),
        ("本届运动会共设田径、游泳、羽毛球、乒乓球、篮球等十八个大项，来自各行各业的六千余名运动员参赛，年龄最大的七十二岁，最小的只有八岁，充分展现了全民健身的热情和活力。",
         "清晨七时三十分，随着发令枪响，来自国内外的三万名跑者从市民广场出发，沿湖畔、古城墙和新城中轴线一路奔跑。赛道沿线，市民自发为选手加油助威，志愿者为选手递上饮用水和能量补给。",
         "经过激烈角逐，男子全程马拉松冠军以两小时十一分零五秒的成绩冲过终点，女子组冠军成绩为两小时二十八分四十秒，双双刷新赛会纪录。",
         "青少年足球联赛分为小学组、初中组和高中组，共有一百二十支球队参赛，比赛采用主客场制，将持续到年底。教练员表示，联赛为孩子们提供了更多实战机会，对提高技战术水平很有帮助。",
         "赛事期间，全市酒店入住率明显上升，周边餐饮、零售、交通等行业营业额同比增长两成以上，体育赛事对消费的拉动作用日益显现。",
         "赛后，夺冠选手接受记者采访时表示，感谢教练团队和家人的支持，下一步将继续刻苦训练，争取在更高水平的比赛中取得好成绩。"),
        ("图为选手们从起点出发。", "图为比赛现场。"),
    ),
    "weather": (
        ("强冷空气来袭 全市气温将明显下降", "入汛以来最强降雨过程结束",
         "气象部门发布高温橙色预警", "今冬首场降雪如期而至"),
        ("有关部门提前部署应对工作", "请市民注意防寒保暖"),
        ("市气象台预计，受强冷空气影响，未来三天全市将出现大风降温天气，最低气温将下降八至十摄氏度，北部山区最低气温可达零下五摄氏度，并伴有道路结冰。",
         "此次降雨过程具有持续时间长、累计雨量大、局地强度强的特点，全市平均降雨量达一百二十毫米，最大降雨出现在南部山区，达到二百一十毫米。",
         "气象专家提醒，高温天气期间，市民应尽量避免在午后时段外出，户外作业人员要合理调整作息时间，做好防暑降温措施；老人、儿童和慢性病患者要特别注意身体健康。",
         "接到预警后，城市管理、交通运输、电力等部门迅速启动应急预案，提前预置抢险队伍和物资，对低洼路段、地下通道和在建工地开展巡查，确保城市运行安全有序。",
         "农业农村部门提醒，各地要抓紧做好大棚加固、作物覆盖和畜禽保暖等工作，减轻低温天气对农业生产的不利影响。",
         "据介绍，这场降雪将有效增加土壤墒情，对冬小麦越冬十分有利，同时有助于改善空气质量。"),
        ("图为环卫工人连夜清扫道路积雪。", "图为市民冒雨出行。"),
    ),
    "science": (
        ("科研团队在新型储能材料领域取得突破", "智慧农业示范基地建成投用",
         "我国新一代气象卫星成功发射", "人工智能赋能基层医疗服务"),
        ("相关成果发表在国际学术期刊上", "科技创新助力产业升级"),
        ("研究团队历时五年，研发出一种新型固态电解质材料，在保持高离子电导率的同时显著提升了安全性能。实验数据显示，采用该材料的电池在循环一千次后容量保持率仍超过百分之九十。",
         "在示范基地的智能温室里，传感器实时监测温度、湿度、光照和土壤养分等数据，系统根据作物生长需要自动完成灌溉和施肥。技术人员介绍，与传统种植方式相比，每亩节水三成以上，产量提高约百分之二十。",
         "据介绍，该卫星将与在轨卫星组网运行，进一步提高对台风、暴雨等灾害性天气的监测预警能力，为防灾减灾、生态环境保护和应对气候变化提供更加有力的支撑。",
         "在乡镇卫生院，医生借助人工智能辅助诊断系统，几分钟就能完成一份胸部影像的初步分析。卫生健康部门负责人表示，这项技术有效缓解了基层影像诊断力量不足的问题，让群众在家门口就能享受到优质医疗服务。",
         "项目负责人表示，下一步团队将联合企业开展中试，力争早日实现规模化生产，推动科研成果转化为现实生产力。",
         "近年来，当地持续加大科技投入，全社会研发经费投入强度提高到百分之三点二，高新技术企业数量突破两千家，创新驱动发展的态势更加明显。"),
        ("图为科研人员在实验室开展测试。", "图为智能温室内的番茄长势喜人。"),
    ),
    "livelihood": (
        ("十件民生实事项目全部完成", "老旧小区加装电梯惠及千户居民",
         "社区食堂让老人吃上“暖心饭”", "新建学校秋季开学迎来首批学生"),
        ("办好群众家门口的事", "民生投入持续加大"),
        ("年初确定的十件民生实事项目涵盖教育、医疗、养老、交通、住房等领域，总投资约四十五亿元。截至目前，各项目均已完成年度目标任务，部分项目提前建成并投入使用。",
         "“以前上下楼要歇好几次，现在电梯装好了，下楼买菜、散步都方便多了。”住在六楼的王阿姨高兴地说。据统计，今年全市老旧小区已加装电梯三百二十部，惠及一千余户居民。",
         "社区食堂每天中午提供两荤两素一汤，六十岁以上老人就餐可享受优惠，行动不便的老人还可以预约送餐上门。开业以来，食堂日均接待就餐老人一百五十余人次。",
         "新学校占地约六十亩，建有教学楼、实验楼、体育馆和标准化运动场，可提供学位两千四百个。开学当天，学生们在老师的带领下参观校园，对崭新的教室和图书馆赞不绝口。",
         "下一步，当地将继续坚持尽力而为、量力而行，广泛征集民意，科学确定明年的民生实事项目，让发展成果更多更公平地惠及全体人民。"),
        ("图为老人在社区食堂用餐。", "图为新建成的学校。"),
    ),
    "ecology": (
        ("河湖生态治理成效明显", "全市空气质量优良天数比例创新高",
         "湿地公园迎来越冬候鸟", "垃圾分类工作全面提质增效"),
        ("绿水青山就是金山银山", "生态环境持续改善"),
        ("近年来，当地以河长制为抓手，系统推进控源截污、清淤疏浚、生态补水和岸线整治，主要河流断面水质全部达到或优于三类标准，昔日的“臭水沟”变成了市民休闲的“后花园”。",
         "监测数据显示，今年以来全市空气质量优良天数比例达到百分之八十六点五，细颗粒物平均浓度同比下降百分之七，两项指标均为有监测记录以来最好水平。",
         "入冬以来，数千只白鹭、苍鹭和野鸭飞抵湿地公园越冬，在浅滩上觅食嬉戏，构成了一幅人与自然和谐共生的美丽画卷。观鸟爱好者纷纷前来拍摄，记录下候鸟的灵动身姿。",
         "在各个小区，垃圾分类督导员每天定时值守，指导居民正确投放。通过积分兑换、示范评比等措施，居民分类投放的准确率从最初的不足五成提高到九成以上。",
         "生态环境部门负责人表示，将继续深入打好蓝天、碧水、净土保卫战，加强生态保护修复，推动经济社会发展全面绿色转型。"),
        ("图为湿地公园内的候鸟。", "图为治理后的河道两岸风景如画。"),
    ),
}

EN_REPORTERS = (
    "Jane Smith", "Robert Chen", "Maria Lopez", "David Okafor", "Emily Carter", "Thomas Reid",
    "Sarah Goldberg", "Michael Novak", "Anna Lindqvist", "James O'Neill", "Priya Raman", "Peter Walsh",
)
EN_CITIES = ("WASHINGTON", "NEW YORK", "CHICAGO", "LONDON", "BOSTON", "DENVER", "SEATTLE", "ATLANTA")
EN_AGENCIES = ("AP", "Reuters")

EN_TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "council": (
        ("City Council Approves Long-Term Transit Plan", "Lawmakers Debate New Housing Rules",
         "State Budget Passes After Late-Night Session", "Mayor Unveils Plan to Repair Aging Bridges"),
        ("Vote ends months of negotiation", "Critics say the measure does not go far enough"),
        ("The council voted seven to two on Tuesday to approve a long-term plan that would expand bus service, rebuild three downtown stations and add protected bicycle lanes along the busiest corridors of the city.",
         "Supporters described the measure as a well-known compromise between neighborhood groups and the business community, while opponents warned that the cost of the reconstruction work could rise sharply if construction is delayed.",
         "Under the proposal, the state-owned transit authority would receive additional funding over the next decade, with the first contracts expected to be awarded before the end of the year.",
         "Several residents spoke during the public comment period, many of them describing commutes that have grown longer and less predictable as older vehicles break down more frequently.",
         "The so-called maintenance backlog, which officials estimate at more than two billion dollars, has become a central issue in the mayoral campaign and in negotiations with the state legislature.",
         "Council members said they would hold follow-up hearings in the spring to review progress and to consider changes suggested by riders and by the independent auditor.",
         "The decision-making process was unusually open, with draft versions of the plan posted online and discussed at more than forty community meetings across the city."),
        ("Photo: Council members listen to public comment on Tuesday.", "Photo: Commuters wait for a delayed train downtown."),
    ),
    "economy": (
        ("Factory Orders Rise for Third Straight Month", "Small Businesses Cautiously Optimistic",
         "Retail Sales Beat Expectations in Holiday Season", "Central Bank Holds Interest Rates Steady"),
        ("Economists point to strong demand for equipment", "Hiring slows but wages keep climbing"),
        ("Orders for manufactured goods rose for the third consecutive month in October, according to figures released on Monday, as companies continued to invest in equipment and replace worn-out machinery.",
         "Economists said the increase was broad-based, with gains in transportation equipment, electrical appliances and industrial machinery, although short-term uncertainty about energy prices remained a concern.",
         "Many small-business owners said they expected sales to improve next year but remained reluctant to hire full-time workers, preferring part-time staff and temporary contracts until demand becomes clearer.",
         "The central bank left its benchmark interest rate unchanged, saying that inflation had eased but that the labor market remained tight and that further evidence was needed before any reduction.",
         "Low-income households have been hit hardest by the rising cost of food and rent, according to a report from a nonpartisan research group, which urged lawmakers to extend targeted assistance programs.",
         "Analysts cautioned that the first-quarter figures are often revised, and that a single month of strong data does not necessarily indicate a lasting recovery in the manufacturing sector.",
         "Retailers reported that online orders accounted for nearly two-thirds of holiday sales growth, while foot traffic in suburban shopping centers remained below the levels recorded before the pandemic."),
        ("Photo: Workers assemble equipment at a plant outside the city.", "Photo: Shoppers crowd a downtown store on Saturday."),
    ),
    "science": (
        ("Researchers Report Advance in Battery Storage", "New Telescope Captures Images of Distant Galaxies",
         "Study Links Sleep to Memory in Older Adults", "Engineers Test Self-Driving Buses on Campus"),
        ("Findings could make renewable power more reliable", "Scientists call the results encouraging"),
        ("A team of engineers has developed a battery that can store energy from wind and solar farms for several days, a step that could make renewable electricity more reliable during periods of calm weather.",
         "The researchers said the new design uses inexpensive materials and avoids the rare metals found in most lithium batteries, which could lower costs and reduce the environmental impact of large storage projects.",
         "In a study of more than two thousand middle-aged and older adults, scientists found that people who slept fewer than six hours a night performed worse on memory tests than those who slept seven or eight hours.",
         "The world-class observatory, built high in the mountains where the air is dry and still, recorded images of galaxies whose light has traveled for more than twelve billion years.",
         "Engineers began testing self-driving shuttle buses on a closed loop around the university campus this week, carrying students between dormitories, the library and the main parking area.",
         "Independent experts welcomed the findings but said that larger trials would be needed before the technology could be used widely, and that long-term safety data had yet to be collected.",
         "The project received funding from a state-owned research foundation and from several private companies, which will have the right to license the technology once it is ready for commercial use."),
        ("Photo: A researcher examines a battery cell in the laboratory.", "Photo: A test shuttle on the campus loop."),
    ),
    "sports": (
        ("Rivals Meet Again in Championship Rematch", "Marathon Draws Record Field Despite Rain",
         "Local Team Clinches Playoff Berth", "Veteran Pitcher Announces Retirement"),
        ("A record-breaking crowd fills the stadium", "Coach praises young defense"),
        ("More than thirty thousand runners crossed the starting line on Sunday morning, many of them wearing plastic ponchos as a steady rain fell over the river and the historic neighborhoods along the course.",
         "The home team clinched a playoff berth with a two-goal victory on Saturday night, ending a six-year drought and sending a record-breaking crowd of fans into the streets around the stadium.",
         "The thirty-eight-year-old pitcher, a well-known figure in the clubhouse, said he had decided to retire after long conversations with his family and with the coaching staff.",
         "The coach praised the young defenders, several of whom were playing in their first full season, and said the team had grown more confident with each passing week.",
         "Tickets for the championship rematch sold out within minutes, and the league said it would set up large screens in two downtown parks for fans who could not get into the arena.",
         "Organizers said the race raised more than two million dollars for local charities, and that medical staff treated only a handful of runners for minor injuries."),
        ("Photo: Runners cross the bridge in the rain on Sunday.", "Photo: Fans celebrate outside the stadium."),
    ),
    "weather": (
        ("Storm Brings Heavy Snow to Northern Counties", "Heat Wave Expected to Break by Weekend",
         "Flood Warnings Issued Along the River", "Drought Conditions Ease After Spring Rains"),
        ("Schools closed and flights canceled", "Forecasters urge residents to stay indoors"),
        ("A powerful winter storm dropped more than a foot of snow across the northern counties on Wednesday, closing schools, canceling hundreds of flights and leaving thousands of homes without electricity.",
         "Forecasters said the heat wave, which has pushed temperatures above one hundred degrees for five consecutive days, was expected to break by the weekend as a cold front moves in from the northwest.",
         "Emergency officials urged residents in low-lying neighborhoods to move vehicles to higher ground and to avoid driving through flooded roads, warning that even shallow water can sweep a car away.",
         "Crews worked through the night to clear highways and restore power lines, and the state activated members of the National Guard to help with rescues in the hardest-hit areas.",
         "Farmers said the spring rains had come just in time for planting, although some fields remained too wet to work and many reservoirs were still below their long-term average levels.",
         "The weather service said the cold snap would be short-lived, with temperatures returning to normal by early next week and a chance of light rain on Tuesday."),
        ("Photo: A plow clears snow from a highway on Wednesday.", "Photo: Residents fill sandbags near the river."),
    ),
    "culture": (
        ("Museum Reopens After Two-Year Renovation", "Library Festival Celebrates Local Authors",
         "Historic Theater Restored to Former Glory", "Orchestra Announces Free Summer Concerts"),
        ("New galleries highlight the city's history", "Organizers expect large crowds"),
        ("The city museum reopened on Friday after a two-year renovation that added new galleries, restored the original marble staircase and made the building fully accessible to visitors with disabilities.",
         "Curators said the permanent collection had been rearranged to tell the story of the city through the lives of ordinary people, including dock workers, shopkeepers and recent immigrants.",
         "The library festival will feature readings by local authors, workshops for young writers and a book fair where independent publishers can sell directly to readers.",
         "Built in the nineteen twenties, the theater had been closed for more than a decade before a group of volunteers raised money to repair the roof, the stage and the hand-painted ceiling.",
         "The orchestra said its free summer concerts would take place in parks across the city, with programs ranging from well-known symphonies to new works by composers who grew up in the region.",
         "Admission to the museum will remain free for children and students, and the building will stay open until nine o'clock on Thursday evenings throughout the year."),
        ("Photo: Visitors tour a new gallery at the museum.", "Photo: The restored theater ceiling."),
    ),
    "health": (
        ("Hospital Opens Clinic for Rural Patients", "Flu Season Arrives Early This Year",
         "Volunteers Offer Free Health Screenings", "County Expands Mental Health Services"),
        ("Officials urge residents to get vaccinated", "Program aims to shorten waiting times"),
        ("The regional hospital opened a new clinic on Monday designed to serve patients from rural towns who often travel more than an hour to see a specialist.",
         "Health officials said flu cases had begun rising several weeks earlier than usual and urged residents, especially older adults and young children, to get vaccinated as soon as possible.",
         "Volunteers from the nursing school offered free blood pressure and blood sugar screenings at the community center, and referred several people for follow-up appointments.",
         "The county will hire additional counselors and open a crisis line staffed around the clock, part of a long-term effort to shorten waiting times for mental health care.",
         "Doctors said telehealth visits, which became common during the pandemic, remain an important option for patients who lack reliable transportation or who care for family members at home.",
         "The clinic accepts most insurance plans and offers reduced fees for uninsured and low-income patients, according to a statement from the hospital."),
        ("Photo: A nurse prepares a vaccine at the clinic.", "Photo: Volunteers at the community screening."),
    ),
}


def _zh_dateline(rng: random.Random) -> str:
    name = rng.choice(ZH_REPORTERS)
    kind = rng.random()
    if kind < 0.6:
        return f"本报讯（记者 {name}）"
    if kind < 0.8:
        other = rng.choice(ZH_REPORTERS)
        return f"本报讯（通讯员 {other} 记者 {name}）"
    city = rng.choice(ZH_CITIES)
    return f"新华社{city}{rng.randint(1, 12)}月{rng.randint(1, 28)}日电（记者 {name}）"


def _en_dateline(rng: random.Random) -> tuple[str, str]:
    """Returns (byline paragraph or "", dateline prefix for the first paragraph)."""
    if rng.random() < 0.5:
        return "", f"{rng.choice(EN_CITIES)} ({rng.choice(EN_AGENCIES)}) \u2014 "
    return f"By {rng.choice(EN_REPORTERS)}", f"{rng.choice(EN_CITIES)} \u2014 "


def compose_article(rng: random.Random, language: str, *, min_paras: int = 2, max_paras: int = 5,
                    photo_prob: float = 0.35, deck_prob: float = 0.25,
                    exclude_topics: tuple[str, ...] = (), char_budget: int = 0) -> tuple[str, ArticleText]:
    """Sample one article; returns (topic, article).  With ``char_budget`` > 0,
    paragraphs are added until about that many characters (at least
    ``min_paras``, at most the topic's pool).  Deterministic for a given ``rng`` state."""
    topics = ZH_TOPICS if language == "zh" else EN_TOPICS
    names = [t for t in topics if t not in exclude_topics] or list(topics)
    topic = rng.choice(sorted(names))
    heads, decks, paras, caps = topics[topic]
    if char_budget > 0:
        order = rng.sample(list(paras), len(paras))
        body, total = [], 0
        for para in order:
            if len(body) >= min_paras and total >= char_budget:
                break
            body.append(para)
            total += len(para)
    else:
        body = rng.sample(list(paras), rng.randint(min_paras, min(max_paras, len(paras))))
    deck = rng.choice(decks) if rng.random() < deck_prob else ""
    caption = rng.choice(caps) if rng.random() < photo_prob else ""
    if language == "zh":
        body[0] = _zh_dateline(rng) + body[0]
        if caption and rng.random() < 0.5:
            caption = caption + " " + rng.choice(ZH_REPORTERS) + " 摄"
        return topic, ArticleText(rng.choice(heads), tuple(body), deck, False, caption, "zh")
    byline, prefix = _en_dateline(rng)
    body[0] = prefix + body[0]
    paragraphs = ((byline,) if byline else ()) + tuple(body)
    return topic, ArticleText(rng.choice(heads), paragraphs, deck, bool(byline), caption, "en")


def load_text_articles(path: str | Path, language: str = "zh") -> list[ArticleText]:
    """Read articles in the project's text format (blank-line separated; first
    line headline; every further line a paragraph).  A paragraph containing
    "图为" or ending in " 摄" after a headline-only photo story is kept as a
    paragraph: the text format does not tell captions apart, so neither do we."""
    p = Path(path)
    if not p.is_file():
        raise InputNotFound(f"{p}: text file not found; pass an existing articles file")
    try:
        raw = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{p}: not UTF-8; convert the articles file to UTF-8") from None
    out: list[ArticleText] = []
    for chunk in raw.strip("\n").split("\n\n"):
        lines = [ln for ln in chunk.split("\n") if ln.strip()]
        if lines:
            out.append(ArticleText(lines[0], tuple(lines[1:]), "", False, "", language))
    return out
