namespace Workbook.Products.Ranking;

/// <summary>A row that could not be scored, kept with where it was and why.</summary>
public sealed record ProductScoringReject(string File, long Line, string Field, string Reason, string RawLine)
{
    public override string ToString() => $"{File}:{Line}: field '{Field}': {Reason}";
}
