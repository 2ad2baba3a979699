using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Workbook.SearchLogs;

/// <summary>What a raw query looks like once normalized.</summary>
public enum QueryKind
{
    /// <summary>Ordinary search words (letters or digits of any script).</summary>
    Search,
    /// <summary>An e-mail address: personal data typed into the box, not a search intent.</summary>
    Email,
    /// <summary>A URL, a bare domain or an IP address.</summary>
    Url,
    /// <summary>No letter or digit at all (punctuation, symbols, emoji).</summary>
    NonText,
    /// <summary>Null, empty or only whitespace.</summary>
    Empty,
}

/// <summary>
/// A query in the form the pipeline stores in <c>query_normalized</c>: <see cref="Text"/> is what two spellings of
/// the same intent share; <see cref="MojibakeRepaired"/> says the raw text was UTF-8 decoded as Latin-1/CP1252.
/// </summary>
public sealed record NormalizedQuery(string Text, QueryKind Kind, bool MojibakeRepaired);

/// <summary>
/// Normalizes search queries: mojibake repair, Unicode NFKC, invariant lower case, e-mail/URL detection, then
/// punctuation folding that keeps letters and digits of any script, apostrophes inside words and decimal points
/// between digits, and collapses whitespace. E-mails and URLs keep their punctuation (it is their content);
/// non-text queries keep their trimmed lower-cased text so they stay inspectable.
/// </summary>
internal static partial class QueryNormalizer
{
    public static NormalizedQuery Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return new NormalizedQuery("", QueryKind.Empty, false);

        // Repair before NFKC: compatibility folding would rewrite the CP1252 characters ("…", "™") whose bytes
        // the repair needs.
        var repaired = Mojibake.TryRepair(raw, out var fixedText);
        var text = repaired ? fixedText : raw;
        // A lone surrogate (an API caller's string; UTF-8 input cannot carry one) makes Normalize throw: it becomes U+FFFD,
        // as a decoder would have made it. The UTF-8 round trip does exactly that and only runs when a surrogate is there.
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0) text = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
        text = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var collapsed = CollapseWhitespace(text);
        if (collapsed.Length == 0)
            return new NormalizedQuery("", QueryKind.Empty, repaired);

        if (EmailPattern().IsMatch(collapsed))
            return new NormalizedQuery(collapsed, QueryKind.Email, repaired);
        if (UrlPattern().IsMatch(collapsed) || IpPattern().IsMatch(collapsed))
            return new NormalizedQuery(collapsed, QueryKind.Url, repaired);

        var folded = FoldPunctuation(collapsed);
        return folded.Length == 0
            ? new NormalizedQuery(collapsed, QueryKind.NonText, repaired)
            : new NormalizedQuery(folded, QueryKind.Search, repaired);
    }

    /// <summary>
    /// True when <see cref="Normalize"/> would return <paramref name="utf8"/> unchanged as a <see cref="QueryKind.Search"/>:
    /// lower-case ASCII letters and digits in words separated by single spaces. Most queries are like that; the
    /// pipeline skips the full normalization (and its cache lookup) for them.
    /// </summary>
    public static bool IsAlreadyNormal(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty || utf8[0] == ' ' || utf8[^1] == ' ') return false;
        var previousSpace = false;
        foreach (var b in utf8)
        {
            if (b == ' ')
            {
                if (previousSpace) return false;
                previousSpace = true;
            }
            else if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9') previousSpace = false;
            else return false;
        }
        return true;
    }

    // One or more non-space tokens; an e-mail is the whole query, so "mail me at a@b.com" stays a search.
    [GeneratedRegex(@"^[^\s@]+@[^\s@]+\.[a-z]{2,}$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^(?:(?:https?|ftp)://\S+|www\.\S+|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:com|org|net|info|io|edu|gov|biz|co|tv|me|de|fr|uk|ru|jp|br|it|es|nl)(?:/\S*)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?(?:/\S*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IpPattern();

    private static string CollapseWhitespace(string s)
    {
        var sb = new StringBuilder(s.Length);
        var pendingSpace = false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                // Format characters (soft hyphen, zero-width joiners) are invisible: treat them as nothing, not
                // as a word break, unless they stand next to whitespace.
                if (char.IsWhiteSpace(c)) pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace) { sb.Append(' '); pendingSpace = false; }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Letters, digits and combining marks stay; apostrophes inside words and '.'/',' between digits
    /// stay; every other character separates words.</summary>
    private static string FoldPunctuation(string s)
    {
        var sb = new StringBuilder(s.Length);
        var pendingSpace = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            bool keep;
            if (char.IsLetterOrDigit(c))
                keep = true;
            else if (IsMark(c))
                keep = sb.Length > 0 && !pendingSpace; // a mark only means something on the letter before it
            else if (c is '\'' or '\u2019' or '\u02bc')
            {
                keep = sb.Length > 0 && !pendingSpace && char.IsLetterOrDigit(sb[^1]) && i + 1 < s.Length && char.IsLetter(s[i + 1]);
                if (keep) c = '\'';
            }
            else if (c is '.' or ',')
                keep = sb.Length > 0 && !pendingSpace && char.IsDigit(sb[^1]) && i + 1 < s.Length && char.IsDigit(s[i + 1]);
            else
                keep = false;

            if (!keep) { pendingSpace = sb.Length > 0; continue; }
            if (pendingSpace) { sb.Append(' '); pendingSpace = false; }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool IsMark(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
        or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
