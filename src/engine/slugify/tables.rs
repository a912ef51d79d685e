//! The data slugify needs to agree with Python: where text-unidecode's
//! table differs from the `unidecode` crate's, and the HTML 4 entity names.

/// The characters whose text-unidecode 1.3 transliteration differs from
/// the `unidecode` crate's (C1 controls, unassigned code points and some
/// newer characters), in code point order.
pub(super) const TEXT_UNIDECODE: &[(u16, &str)] = &[
    (0x0080, ""),
    (0x0082, ""),
    (0x0083, ""),
    (0x0084, ""),
    (0x0085, ""),
    (0x0086, ""),
    (0x0087, ""),
    (0x0088, ""),
    (0x0089, ""),
    (0x008A, ""),
    (0x008B, ""),
    (0x008C, ""),
    (0x008E, ""),
    (0x0091, ""),
    (0x0092, ""),
    (0x0093, ""),
    (0x0094, ""),
    (0x0095, ""),
    (0x0096, ""),
    (0x0097, ""),
    (0x0098, ""),
    (0x0099, ""),
    (0x009A, ""),
    (0x009B, ""),
    (0x009C, ""),
    (0x009E, ""),
    (0x009F, ""),
    (0x02E5, ""),
    (0x02E6, ""),
    (0x02E7, ""),
    (0x02E8, ""),
    (0x02E9, ""),
    (0x02EA, ""),
    (0x02EB, ""),
    (0x02EF, "[?]"),
    (0x02F0, "[?]"),
    (0x02F1, "[?]"),
    (0x02F2, "[?]"),
    (0x02F3, "[?]"),
    (0x02F4, "[?]"),
    (0x02F5, "[?]"),
    (0x02F6, "[?]"),
    (0x02F7, "[?]"),
    (0x02F8, "[?]"),
    (0x02F9, "[?]"),
    (0x02FA, "[?]"),
    (0x02FB, "[?]"),
    (0x02FC, "[?]"),
    (0x02FD, "[?]"),
    (0x02FE, "[?]"),
    (0x02FF, "[?] "),
    (0x03F4, "[?]"),
    (0x03F5, "[?]"),
    (0x03F6, "[?]"),
    (0x03F7, "[?]"),
    (0x03F8, "[?]"),
    (0x03F9, "[?]"),
    (0x03FC, "[?]"),
    (0x03FD, "[?]"),
    (0x03FE, "[?]"),
    (0x03FF, "[?] "),
    (0x04FF, "[?] "),
    (0x05FF, "[?] "),
    (0x06FF, "[?] "),
    (0x07FF, "[?] "),
    (0x09FF, "[?] "),
    (0x0AF0, "[?]"),
    (0x0AF1, "[?]"),
    (0x0AF9, "[?]"),
    (0x0AFF, "[?] "),
    (0x0BFF, "[?] "),
    (0x0CFF, "[?] "),
    (0x0DFF, "[?] "),
    (0x0EFF, "[?] "),
    (0x0FFF, "[?] "),
    (0x10FF, "[?] "),
    (0x11FF, "[?] "),
    (0x13F5, "[?]"),
    (0x13F8, "[?]"),
    (0x13F9, "[?]"),
    (0x13FA, "[?]"),
    (0x13FB, "[?]"),
    (0x13FC, "[?]"),
    (0x13FD, "[?]"),
    (0x13FF, "[?] "),
    (0x16FF, "[?] "),
    (0x17FF, "[?] "),
    (0x18FF, "[?] "),
    (0x1EFA, "[?]"),
    (0x1EFB, "[?]"),
    (0x1EFC, "[?]"),
    (0x1EFD, "[?]"),
    (0x1EFE, "[?]"),
    (0x1EFF, "[?] "),
    (0x1FFF, "[?] "),
    (0x20FF, "[?] "),
    (0x21FF, "[?] "),
    (0x22FF, "[?] "),
    (0x23FF, "[?] "),
    (0x24FF, "[?] "),
    (0x25F4, "#"),
    (0x25F5, "#"),
    (0x25F6, "#"),
    (0x25F7, "#"),
    (0x25F8, "[?]"),
    (0x25F9, "[?]"),
    (0x25FA, "[?]"),
    (0x25FB, "[?]"),
    (0x25FC, "[?]"),
    (0x25FD, "[?]"),
    (0x25FE, "[?]"),
    (0x25FF, "[?] "),
    (0x26FF, "[?] "),
    (0x27FF, "[?] "),
    (0x2EFF, "[?] "),
    (0x2FFF, "[?] "),
    (0x30FF, "[?] "),
    (0x31FF, "[?] "),
    (0x32FF, "[?] "),
    (0x33FF, "[?] "),
    (0x4DFF, "[?] "),
    (0x9FFF, "[?] "),
    (0xA4FF, "[?] "),
    (0xD7FF, "[?] "),
    (0xFAFF, "[?] "),
    (0xFDF0, ""),
    (0xFDF1, ""),
    (0xFDF2, ""),
    (0xFDF3, ""),
    (0xFDF4, ""),
    (0xFDF5, ""),
    (0xFDF6, ""),
    (0xFDF7, ""),
    (0xFDF8, ""),
    (0xFDF9, ""),
    (0xFDFA, ""),
    (0xFDFB, ""),
    (0xFDFC, "[?]"),
    (0xFDFD, "[?]"),
    (0xFDFF, "[?] "),
];

/// Python's `html.entities.name2codepoint`: the 252 HTML 4 names, as
/// `name:hex` pairs.
pub(super) const NAME2CODEPOINT: &str = "\
    AElig:c6 Aacute:c1 Acirc:c2 Agrave:c0 Alpha:391 Aring:c5 Atilde:c3 Auml:c4 Beta:392 Ccedil:c7 \
    Chi:3a7 Dagger:2021 Delta:394 ETH:d0 Eacute:c9 Ecirc:ca Egrave:c8 Epsilon:395 Eta:397 Euml:cb \
    Gamma:393 Iacute:cd Icirc:ce Igrave:cc Iota:399 Iuml:cf Kappa:39a Lambda:39b Mu:39c Ntilde:d1 Nu:39d \
    OElig:152 Oacute:d3 Ocirc:d4 Ograve:d2 Omega:3a9 Omicron:39f Oslash:d8 Otilde:d5 Ouml:d6 Phi:3a6 \
    Pi:3a0 Prime:2033 Psi:3a8 Rho:3a1 Scaron:160 Sigma:3a3 THORN:de Tau:3a4 Theta:398 Uacute:da Ucirc:db \
    Ugrave:d9 Upsilon:3a5 Uuml:dc Xi:39e Yacute:dd Yuml:178 Zeta:396 aacute:e1 acirc:e2 acute:b4 \
    aelig:e6 agrave:e0 alefsym:2135 alpha:3b1 amp:26 and:2227 ang:2220 aring:e5 asymp:2248 atilde:e3 \
    auml:e4 bdquo:201e beta:3b2 brvbar:a6 bull:2022 cap:2229 ccedil:e7 cedil:b8 cent:a2 chi:3c7 circ:2c6 \
    clubs:2663 cong:2245 copy:a9 crarr:21b5 cup:222a curren:a4 dArr:21d3 dagger:2020 darr:2193 deg:b0 \
    delta:3b4 diams:2666 divide:f7 eacute:e9 ecirc:ea egrave:e8 empty:2205 emsp:2003 ensp:2002 \
    epsilon:3b5 equiv:2261 eta:3b7 eth:f0 euml:eb euro:20ac exist:2203 fnof:192 forall:2200 frac12:bd \
    frac14:bc frac34:be frasl:2044 gamma:3b3 ge:2265 gt:3e hArr:21d4 harr:2194 hearts:2665 hellip:2026 \
    iacute:ed icirc:ee iexcl:a1 igrave:ec image:2111 infin:221e int:222b iota:3b9 iquest:bf isin:2208 \
    iuml:ef kappa:3ba lArr:21d0 lambda:3bb lang:2329 laquo:ab larr:2190 lceil:2308 ldquo:201c le:2264 \
    lfloor:230a lowast:2217 loz:25ca lrm:200e lsaquo:2039 lsquo:2018 lt:3c macr:af mdash:2014 micro:b5 \
    middot:b7 minus:2212 mu:3bc nabla:2207 nbsp:a0 ndash:2013 ne:2260 ni:220b not:ac notin:2209 \
    nsub:2284 ntilde:f1 nu:3bd oacute:f3 ocirc:f4 oelig:153 ograve:f2 oline:203e omega:3c9 omicron:3bf \
    oplus:2295 or:2228 ordf:aa ordm:ba oslash:f8 otilde:f5 otimes:2297 ouml:f6 para:b6 part:2202 \
    permil:2030 perp:22a5 phi:3c6 pi:3c0 piv:3d6 plusmn:b1 pound:a3 prime:2032 prod:220f prop:221d \
    psi:3c8 quot:22 rArr:21d2 radic:221a rang:232a raquo:bb rarr:2192 rceil:2309 rdquo:201d real:211c \
    reg:ae rfloor:230b rho:3c1 rlm:200f rsaquo:203a rsquo:2019 sbquo:201a scaron:161 sdot:22c5 sect:a7 \
    shy:ad sigma:3c3 sigmaf:3c2 sim:223c spades:2660 sub:2282 sube:2286 sum:2211 sup:2283 sup1:b9 \
    sup2:b2 sup3:b3 supe:2287 szlig:df tau:3c4 there4:2234 theta:3b8 thetasym:3d1 thinsp:2009 thorn:fe \
    tilde:2dc times:d7 trade:2122 uArr:21d1 uacute:fa uarr:2191 ucirc:fb ugrave:f9 uml:a8 upsih:3d2 \
    upsilon:3c5 uuml:fc weierp:2118 xi:3be yacute:fd yen:a5 yuml:ff zeta:3b6 zwj:200d zwnj:200c";
