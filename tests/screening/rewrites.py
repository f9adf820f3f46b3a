"""Prose written by hand for the meaning-layer tests (never taken from the corpora): a
source, its 降重 rewrite, a same-topic study that is not reuse, and an English source
with a Chinese translation."""

from __future__ import annotations

SOURCE = (
    "近年来，城市内涝灾害频繁发生，给居民生活和经济发展造成了严重损失。"
    "本文以武汉市为研究区域，利用2010年至2020年的降雨观测资料和排水管网数据，"
    "构建了基于SWMM模型的城市雨洪模拟系统。"
    "模拟结果显示，当降雨重现期超过5年时，中心城区约有23%的排水管段出现超载现象。"
    "进一步分析发现，不透水面积比例的增加是导致径流系数上升的主要原因。"
    "据此提出了增设调蓄池和推广透水铺装两项改造措施，可使积水面积减少约40%。"
)
# The same facts in other words and other sentences (a 降重 rewrite).
REWRITE = (
    "武汉市中心城区的排涝能力一直备受关注。"
    "笔者收集了武汉2010—2020年间的雨量监测数据与排水管道资料，"
    "搭建了一套以SWMM模型为核心的城市暴雨洪水仿真平台。"
    "仿真表明，一旦降水重现期大于5年，市中心大约23%的排水管道会发生超负荷运行。"
    "深入研究后可知，不透水地面占比提高是径流系数增大的首要因素。"
    "基于此，文章建议新建调蓄池并普及透水铺装，这两项改造可让积水范围缩小约40%。"
)
# The same topic, a different study: not reuse.
SAME_TOPIC = (
    "城市内涝是我国许多城市面临的共同难题，排水管网建设长期滞后于城市扩张。"
    "本研究选取广州市天河区作为案例，通过问卷调查了解居民对海绵城市建设的认知程度。"
    "调查共回收有效问卷612份，多数受访者支持建设下沉式绿地和雨水花园，"
    "但对透水铺装的维护成本存在顾虑。"
    "研究认为，应当加强公众宣传，完善海绵设施的长效管理机制，并引入社会资本参与运营。"
)
ENGLISH_SOURCE = (
    "Rural microfinance in China and India both grew out of the Grameen Bank model "
    "of Bangladesh. The Chinese model is traditional and strongly guided by policy; it "
    "lacks commercial operation, and the supervision of rural financial institutions "
    "is weak. India has a sound system of rural finance law, and its microfinance "
    "institutions act as intermediaries for microcredit, which deserves study in China. "
    "A survey of 320 villages in 2015 showed that credit reached 41 percent of poor "
    "households in India but only 18 percent in China."
)
# A Chinese translation of ENGLISH_SOURCE.
TRANSLATION = (
    "中国和印度的农村小额金融都是在孟加拉国乡村银行模式的基础上发展起来的。"
    "中国的模式较为传统，受政策引导很强，缺乏商业化运营，对农村金融机构的监管也很薄弱。"
    "印度拥有健全的农村金融法律体系，其小额金融机构作为中介发放小额信贷，值得中国研究。"
    "2015年对320个村庄的调查表明，印度41%的贫困家庭获得了信贷，而中国仅为18%。"
)
