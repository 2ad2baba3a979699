using Workbook.SearchLogs;

namespace Workbook.Tests.SearchLogs;

public class QueryNormalizerTests
{
    [Theory]
    [InlineData("  Op  Docs ", "op docs")]
    [InlineData("short+film", "short film")]
    [InlineData("the man & the sea", "the man the sea")]
    [InlineData("don't hug me i'm scared", "don't hug me i'm scared")]
    [InlineData("you can’t stop us", "you can't stop us")]
    [InlineData("'quoted' words", "quoted words")]
    [InlineData("seeking nirvana 3.2", "seeking nirvana 3.2")]
    [InlineData("the end.", "the end")]
    [InlineData("ira elshansky,", "ira elshansky")]
    [InlineData("４k", "4k")]
    [InlineData("ＦＵＬＬ width", "full width")]
    [InlineData("snö", "snö")]
    [InlineData("stefan đorđević", "stefan đorđević")]
    [InlineData("リリカルスクール", "リリカルスクール")]
    [InlineData("canigou\u00ad” tape”", "canigou tape")]
    [InlineData("tove lo are you gonna¨", "tove lo are you gonna")]
    [InlineData("A\tB\r\nC", "a b c")]
    [InlineData("cats \uD800dogs", "cats dogs")] // a lone surrogate (API input only) is U+FFFD, then folded away like other symbols
    public void Search_queries_are_folded(string raw, string expected)
    {
        var q = QueryNormalizer.Normalize(raw);
        Assert.Equal(QueryKind.Search, q.Kind);
        Assert.Equal(expected, q.Text);
    }

    [Fact]
    public void The_fast_path_only_accepts_queries_that_normalize_to_themselves()
    {
        // Random strings over an alphabet rich in the characters that decide: letters, digits, spaces, dots, '@', ':'.
        var rng = new Random(5);
        const string alphabet = "abcz09 .@:/A-é'";
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var s = new string(Enumerable.Range(0, rng.Next(0, 12)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
            var fast = QueryNormalizer.IsAlreadyNormal(System.Text.Encoding.UTF8.GetBytes(s));
            var full = QueryNormalizer.Normalize(s);
            if (fast)
            {
                accepted++;
                Assert.Equal((s, QueryKind.Search, false), (full.Text, full.Kind, full.MojibakeRepaired));
            }
            else Assert.False(s.Length > 0 && s.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9'), s);
        }
        Assert.InRange(accepted, 500, 20_000);
        Assert.False(QueryNormalizer.IsAlreadyNormal("a  b"u8));
        Assert.False(QueryNormalizer.IsAlreadyNormal("www.example.com"u8));
        Assert.True(QueryNormalizer.IsAlreadyNormal("short film 4k"u8));
    }

    [Theory]
    [InlineData("cafÃ©", "café")]
    [InlineData("cinã©ma iran", "cinéma iran")]
    [InlineData("donâ€™t stop", "don't stop")]
    [InlineData("ZÃ¼rich", "zürich")]
    [InlineData("Å‚Ã³dÅº", "łódź")]
    [InlineData("cafÃƒÂ©", "café")] // damaged twice
    public void Mojibake_is_repaired(string raw, string expected)
    {
        var q = QueryNormalizer.Normalize(raw);
        Assert.True(q.MojibakeRepaired);
        Assert.Equal(expected, q.Text);
    }

    [Theory]
    [InlineData("café")]
    [InlineData("café’s corner")]
    [InlineData("bär…")]
    [InlineData("Ångström")]
    [InlineData("naïve résumé")]
    public void Real_accented_text_is_not_treated_as_mojibake(string raw)
    {
        var q = QueryNormalizer.Normalize(raw);
        Assert.False(q.MojibakeRepaired);
    }

    [Theory]
    [InlineData("millsmario@hotmail.com", QueryKind.Email)]
    [InlineData("Laurie02@Hanson.info ", QueryKind.Email)]
    [InlineData("https://petersen-riggs.info/", QueryKind.Url)]
    [InlineData("http://thompson-rice.com/tags/post.php", QueryKind.Url)]
    [InlineData("www.example.com", QueryKind.Url)]
    [InlineData("vimeo.com/12345", QueryKind.Url)]
    [InlineData("223.161.215.70", QueryKind.Url)]
    [InlineData("denial.of.service", QueryKind.Search)]
    [InlineData("mail me at a@b.com", QueryKind.Search)]
    [InlineData("!!!", QueryKind.NonText)]
    [InlineData("🙂 🙂", QueryKind.NonText)]
    [InlineData("", QueryKind.Empty)]
    [InlineData("   ", QueryKind.Empty)]
    [InlineData(null, QueryKind.Empty)]
    public void Kinds_are_detected(string? raw, QueryKind kind)
    {
        Assert.Equal(kind, QueryNormalizer.Normalize(raw).Kind);
    }

    [Fact]
    public void Emails_and_urls_keep_their_punctuation_and_non_text_keeps_its_symbols()
    {
        Assert.Equal("laurie02@hanson.info", QueryNormalizer.Normalize(" Laurie02@Hanson.info").Text);
        Assert.Equal("https://long.com/login.html", QueryNormalizer.Normalize("https://long.com/login.html").Text);
        Assert.Equal("!!! ???", QueryNormalizer.Normalize("!!!   ???").Text);
        Assert.Equal("", QueryNormalizer.Normalize(null).Text);
    }

    [Fact]
    public void Normalization_is_idempotent_on_the_real_queries()
    {
        var path = WorkbookPaths.Data("search-logs", "search_request.csv");
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var q = QueryNormalizer.Normalize(line);
            var again = QueryNormalizer.Normalize(q.Text);
            Assert.Equal(q.Text, again.Text);
        }
    }
}
