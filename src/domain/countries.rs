//! ISO 3166 alpha-2 codes, dial codes and the names providers use for the
//! countries virtual-number APIs sell. APIs key countries differently
//! (GateOTP `340437`, OTPZap `7`, NEXOTP `id`), so a person's `id`, `+62`
//! or `viet nam` is resolved through this table, never through an API's ids.

/// One country as people name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountryInfo {
    /// Lowercase ISO 3166-1 alpha-2 code.
    pub iso2: &'static str,
    /// Dial code without the `+`. Where several countries share one (`1`,
    /// `7`), the first in the table is the one a bare `+1` means.
    pub dial: &'static str,
    pub name: &'static str,
    /// Other names providers and people use (`usa`, `uk`, `viet nam`).
    pub aliases: &'static [&'static str],
}

impl CountryInfo {
    /// The name and every alias.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.name).chain(self.aliases.iter().copied())
    }
}

macro_rules! table {
    ($(($iso:literal, $dial:literal, $name:literal $(, $alias:literal)*)),* $(,)?) => {
        &[$(CountryInfo { iso2: $iso, dial: $dial, name: $name, aliases: &[$($alias),*] }),*]
    };
}

/// Primary holders of a shared dial code come first (US before Canada,
/// Russia before Kazakhstan).
pub const COUNTRIES: &[CountryInfo] = table![
    (
        "us",
        "1",
        "United States",
        "usa",
        "united states of america",
        "america"
    ),
    ("ca", "1", "Canada"),
    ("pr", "1", "Puerto Rico"),
    ("do", "1", "Dominican Republic"),
    ("jm", "1", "Jamaica"),
    ("tt", "1", "Trinidad and Tobago"),
    ("ru", "7", "Russia", "russian federation"),
    ("kz", "7", "Kazakhstan"),
    ("eg", "20", "Egypt"),
    ("za", "27", "South Africa"),
    ("gr", "30", "Greece"),
    ("nl", "31", "Netherlands", "holland", "the netherlands"),
    ("be", "32", "Belgium"),
    ("fr", "33", "France"),
    ("es", "34", "Spain"),
    ("hu", "36", "Hungary"),
    ("it", "39", "Italy"),
    ("ro", "40", "Romania"),
    ("ch", "41", "Switzerland"),
    ("at", "43", "Austria"),
    (
        "gb",
        "44",
        "United Kingdom",
        "uk",
        "great britain",
        "britain",
        "england"
    ),
    ("dk", "45", "Denmark"),
    ("se", "46", "Sweden"),
    ("no", "47", "Norway"),
    ("pl", "48", "Poland"),
    ("de", "49", "Germany"),
    ("pe", "51", "Peru"),
    ("mx", "52", "Mexico"),
    ("cu", "53", "Cuba"),
    ("ar", "54", "Argentina"),
    ("br", "55", "Brazil", "brasil"),
    ("cl", "56", "Chile"),
    ("co", "57", "Colombia"),
    ("ve", "58", "Venezuela"),
    ("my", "60", "Malaysia"),
    ("au", "61", "Australia"),
    ("id", "62", "Indonesia"),
    ("ph", "63", "Philippines", "the philippines"),
    ("nz", "64", "New Zealand"),
    ("sg", "65", "Singapore"),
    ("th", "66", "Thailand"),
    ("jp", "81", "Japan"),
    (
        "kr",
        "82",
        "South Korea",
        "korea",
        "republic of korea",
        "korea republic of"
    ),
    ("vn", "84", "Vietnam", "viet nam"),
    ("cn", "86", "China"),
    ("tr", "90", "Turkey", "turkiye"),
    ("in", "91", "India"),
    ("pk", "92", "Pakistan"),
    ("af", "93", "Afghanistan"),
    ("lk", "94", "Sri Lanka"),
    ("mm", "95", "Myanmar", "burma"),
    ("ir", "98", "Iran"),
    ("ma", "212", "Morocco"),
    ("dz", "213", "Algeria"),
    ("tn", "216", "Tunisia"),
    ("ly", "218", "Libya"),
    ("gm", "220", "Gambia"),
    ("sn", "221", "Senegal"),
    ("mr", "222", "Mauritania"),
    ("ml", "223", "Mali"),
    ("gn", "224", "Guinea"),
    ("ci", "225", "Ivory Coast", "cote divoire", "cote d ivoire"),
    ("bf", "226", "Burkina Faso"),
    ("ne", "227", "Niger"),
    ("tg", "228", "Togo"),
    ("bj", "229", "Benin"),
    ("mu", "230", "Mauritius"),
    ("lr", "231", "Liberia"),
    ("sl", "232", "Sierra Leone"),
    ("gh", "233", "Ghana"),
    ("ng", "234", "Nigeria"),
    ("td", "235", "Chad"),
    ("cf", "236", "Central African Republic"),
    ("cm", "237", "Cameroon"),
    ("cv", "238", "Cape Verde", "cabo verde"),
    ("ga", "241", "Gabon"),
    ("cg", "242", "Congo", "republic of the congo"),
    (
        "cd",
        "243",
        "DR Congo",
        "democratic republic of the congo",
        "congo kinshasa"
    ),
    ("ao", "244", "Angola"),
    ("gw", "245", "Guinea-Bissau"),
    ("sc", "248", "Seychelles"),
    ("sd", "249", "Sudan"),
    ("rw", "250", "Rwanda"),
    ("et", "251", "Ethiopia"),
    ("so", "252", "Somalia"),
    ("dj", "253", "Djibouti"),
    ("ke", "254", "Kenya"),
    ("tz", "255", "Tanzania"),
    ("ug", "256", "Uganda"),
    ("bi", "257", "Burundi"),
    ("mz", "258", "Mozambique"),
    ("zm", "260", "Zambia"),
    ("mg", "261", "Madagascar"),
    ("zw", "263", "Zimbabwe"),
    ("na", "264", "Namibia"),
    ("mw", "265", "Malawi"),
    ("ls", "266", "Lesotho"),
    ("bw", "267", "Botswana"),
    ("sz", "268", "Eswatini", "swaziland"),
    ("km", "269", "Comoros"),
    ("er", "291", "Eritrea"),
    ("aw", "297", "Aruba"),
    ("gi", "350", "Gibraltar"),
    ("pt", "351", "Portugal"),
    ("lu", "352", "Luxembourg"),
    ("ie", "353", "Ireland"),
    ("is", "354", "Iceland"),
    ("al", "355", "Albania"),
    ("mt", "356", "Malta"),
    ("cy", "357", "Cyprus"),
    ("fi", "358", "Finland"),
    ("bg", "359", "Bulgaria"),
    ("lt", "370", "Lithuania"),
    ("lv", "371", "Latvia"),
    ("ee", "372", "Estonia"),
    ("md", "373", "Moldova"),
    ("am", "374", "Armenia"),
    ("by", "375", "Belarus"),
    ("me", "382", "Montenegro"),
    ("xk", "383", "Kosovo"),
    ("rs", "381", "Serbia"),
    ("hr", "385", "Croatia"),
    ("si", "386", "Slovenia"),
    ("ba", "387", "Bosnia and Herzegovina", "bosnia"),
    ("mk", "389", "North Macedonia", "macedonia"),
    ("cz", "420", "Czech Republic", "czechia"),
    ("sk", "421", "Slovakia"),
    ("bz", "501", "Belize"),
    ("gt", "502", "Guatemala"),
    ("sv", "503", "El Salvador"),
    ("hn", "504", "Honduras"),
    ("ni", "505", "Nicaragua"),
    ("cr", "506", "Costa Rica"),
    ("pa", "507", "Panama"),
    ("ht", "509", "Haiti"),
    ("bo", "591", "Bolivia"),
    ("gy", "592", "Guyana"),
    ("ec", "593", "Ecuador"),
    ("py", "595", "Paraguay"),
    ("sr", "597", "Suriname"),
    ("uy", "598", "Uruguay"),
    ("tl", "670", "Timor-Leste", "east timor"),
    ("bn", "673", "Brunei", "brunei darussalam"),
    ("pg", "675", "Papua New Guinea"),
    ("fj", "679", "Fiji"),
    ("hk", "852", "Hong Kong"),
    ("mo", "853", "Macau", "macao"),
    ("kh", "855", "Cambodia"),
    ("la", "856", "Laos", "lao"),
    ("bd", "880", "Bangladesh"),
    ("tw", "886", "Taiwan"),
    ("mv", "960", "Maldives"),
    ("lb", "961", "Lebanon"),
    ("jo", "962", "Jordan"),
    ("sy", "963", "Syria"),
    ("iq", "964", "Iraq"),
    ("kw", "965", "Kuwait"),
    ("sa", "966", "Saudi Arabia"),
    ("ye", "967", "Yemen"),
    ("om", "968", "Oman"),
    ("ps", "970", "Palestine"),
    ("ae", "971", "United Arab Emirates", "uae", "emirates"),
    ("il", "972", "Israel"),
    ("bh", "973", "Bahrain"),
    ("qa", "974", "Qatar"),
    ("bt", "975", "Bhutan"),
    ("mn", "976", "Mongolia"),
    ("np", "977", "Nepal"),
    ("tj", "992", "Tajikistan"),
    ("tm", "993", "Turkmenistan"),
    ("az", "994", "Azerbaijan"),
    ("ge", "995", "Georgia"),
    ("kg", "996", "Kyrgyzstan"),
    ("uz", "998", "Uzbekistan"),
    ("ua", "380", "Ukraine"),
];

/// Every entry with its names normalized (`naming::normalize`), worked out
/// once: matching a typed name runs through them for each listed country.
pub fn normalized() -> &'static [(&'static CountryInfo, Vec<String>)] {
    static TABLE: std::sync::OnceLock<Vec<(&'static CountryInfo, Vec<String>)>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        COUNTRIES
            .iter()
            .map(|c| (c, c.names().map(super::naming::normalize).collect()))
            .collect()
    })
}

/// The entry whose ISO code is `iso2` (any case).
pub fn by_iso2(iso2: &str) -> Option<&'static CountryInfo> {
    COUNTRIES.iter().find(|c| c.iso2.eq_ignore_ascii_case(iso2))
}

/// The country a bare dial code means: the first holder of that code.
pub fn primary_for_dial(dial: &str) -> Option<&'static CountryInfo> {
    COUNTRIES.iter().find(|c| c.dial == dial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for c in COUNTRIES {
            assert!(seen.insert(c.iso2), "{} twice", c.iso2);
            assert_eq!(c.iso2.len(), 2, "{}", c.name);
            assert!(c.iso2.bytes().all(|b| b.is_ascii_lowercase()), "{}", c.name);
            assert!(c.dial.bytes().all(|b| b.is_ascii_digit()), "{}", c.name);
        }
        assert_eq!(by_iso2("ID").map(|c| c.name), Some("Indonesia"));
        assert_eq!(primary_for_dial("1").map(|c| c.iso2), Some("us"));
        assert_eq!(primary_for_dial("7").map(|c| c.iso2), Some("ru"));
    }
}
