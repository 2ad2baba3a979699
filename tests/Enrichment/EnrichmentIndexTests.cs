using Workbook.SearchLogs.Enrichment;
using Workbook.SearchLogs;

namespace Workbook.Tests.Enrichment;

public class EnrichmentIndexTests
{
    private static readonly EnrichmentIndex Index = EnrichmentIndex.Build(SampleLog.Log());

    [Fact]
    public void A_known_query_gets_its_clicked_clip_first_and_co_clicked_queries_as_related()
    {
        var r = Index.Enrich("  DOCUMENTARY ");
        Assert.Equal("documentary", r.Normalized.Text);
        Assert.True(r.KnownQuery);
        Assert.Empty(r.Corrections);
        Assert.Equal("100", r.SuggestedClips[0].ClipId);
        Assert.Contains(r.SuggestedClips, c => c.ClipId == "101"); // two hops: documentary -> 100 -> documentary film -> 101
        Assert.InRange(r.SuggestedClips.Sum(c => c.Score), 0.999, 1.001);
        var related = Assert.Single(r.RelatedQueries, q => q.Query == "documentary film");
        Assert.True(related.CoClick > 0 && related.Walk > 0 && related.HadResults);
    }

    [Fact]
    public void A_misspelled_unseen_query_is_corrected_and_enriched_through_the_correction()
    {
        var r = Index.Enrich("documentery");
        Assert.False(r.KnownQuery);
        Assert.Equal(new TokenCorrection("documentery", "documentary", 1, 6 + 2), r.Corrections.Single());
        Assert.Equal("documentary", r.CorrectedQuery);
        Assert.Equal("100", r.SuggestedClips[0].ClipId);
        Assert.Equal("spelling", r.RelatedQueries.Single(q => q.Query == "documentary").Source);
    }

    [Fact]
    public void A_known_query_that_returned_nothing_is_corrected_to_one_that_had_results()
    {
        var r = Index.Enrich("documantary");
        Assert.True(r.KnownQuery);
        Assert.Equal("documentary", r.CorrectedQuery);
        Assert.True(Index.HadResults(r.CorrectedQuery!));
        Assert.False(Index.HadResults("documantary"));
    }

    [Fact]
    public void Variants_of_a_query_share_one_node_after_normalization()
    {
        var r = Index.Enrich("Music Video");
        Assert.True(r.KnownQuery);
        Assert.Equal(["200", "201"], r.SuggestedClips.Select(c => c.ClipId));
    }

    [Fact]
    public void An_unseen_query_backs_off_to_known_queries_sharing_its_words()
    {
        var r = Index.Enrich("nature documentary film");
        Assert.False(r.KnownQuery);
        Assert.Null(r.CorrectedQuery);
        Assert.Contains(r.RelatedQueries, q => q.Query == "documentary film" && q.Source == "words");
        Assert.Contains(r.SuggestedClips, c => c.ClipId == "101");
    }

    [Fact]
    public void E_mail_addresses_urls_and_unknown_words_get_nothing()
    {
        var mail = Index.Enrich("someone@example.com");
        Assert.Equal(QueryKind.Email, mail.Normalized.Kind);
        Assert.NotNull(mail.SkipReason);
        Assert.Empty(mail.SuggestedClips);
        Assert.NotNull(Index.Enrich("https://vimeo.com/123").SkipReason);
        Assert.NotNull(Index.Enrich("   ").SkipReason);
        var unknown = Index.Enrich("xylophone");
        Assert.Null(unknown.SkipReason);
        Assert.Empty(unknown.SuggestedClips);
        Assert.Empty(unknown.RelatedQueries);
        Assert.False(Index.IsKnown("someone@example.com")); // not searches, so not in the index either
    }

    [Fact]
    public void Build_is_deterministic()
    {
        var again = EnrichmentIndex.Build(SampleLog.Log());
        foreach (var q in new[] { "documentary", "documentery", "nature documentary film", "music video" })
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(Index.Enrich(q)), System.Text.Json.JsonSerializer.Serialize(again.Enrich(q)));
    }
}

public class CleanLogReaderTests
{
    [Fact]
    public void Reads_the_clean_tables_of_a_sqlite_database()
    {
        var (searches, clicks) = SampleLog.Rows();
        using var db = new CleanDbFixture(searches, clicks);
        var log = CleanLogReader.Read(db.Path);
        Assert.Equal(searches.Count, log.Searches.Count);
        Assert.Equal(clicks.Count, log.Clicks.Count);
        var first = log.Searches[0];
        Assert.Equal(("s000", "Documentary", 500L, DateTimeKind.Utc), (first.SearchId, first.Query, first.Total, first.TsUtc.Kind));
        Assert.Equal(searches[0].TsUtc, first.TsUtc);
    }

    [Fact]
    public void Missing_database_or_tables_say_what_is_missing_and_name_no_command()
    {
        // The CLI adds the command to run (EnrichCliTests); the library only says what is wrong.
        var missing = Assert.Throws<CleanTablesMissingException>(() => CleanLogReader.Read("/nonexistent/folder/search_logs.db"));
        Assert.Contains("does not exist", missing.Message);
        Assert.Contains("pipeline", missing.Message);
        Assert.DoesNotContain("dotnet run", missing.Message);
        Assert.False(File.Exists("/nonexistent/folder/search_logs.db"));

        using var empty = new CleanDbFixture([], [], withTables: false);
        var noTables = Assert.Throws<CleanTablesMissingException>(() => CleanLogReader.Read(empty.Path));
        Assert.Contains("clean_search_request", noTables.Message);
        Assert.Contains("pipeline has not run", noTables.Message);
        Assert.DoesNotContain("dotnet run", noTables.Message);
    }
}
