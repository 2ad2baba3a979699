using System.Text;
using Workbook.Reports;

namespace Workbook.Products.Ranking;

/// <summary>
/// Streams <c>product_scoring.csv</c> one row at a time (see <see cref="ScoringLineParser"/> for the format): every row is
/// either a <see cref="ProductStats"/> or a <see cref="ProductScoringReject"/> naming file, line and field.
/// </summary>
internal sealed class ProductScoringReader : IDisposable
{
    private readonly Utf8LineBlocks _blocks;
    private readonly ScoringLineParser _parser;
    private readonly IEnumerator<LineBlock> _blockEnum;
    private LineBlock? _block;
    private IEnumerator<(long Line, int Start, int Length)>? _lines;

    public string File { get; }

    /// <summary>Opens <paramref name="path"/>, records it in <see cref="DataLineage"/> and reads the header.</summary>
    /// <exception cref="InvalidDataException">The header lacks a required column (message names file and column).</exception>
    public ProductScoringReader(string path)
    {
        File = path;
        DataLineage.Record(path);
        _blocks = new Utf8LineBlocks(path, 1 << 20);
        try { _parser = new ScoringLineParser(path, _blocks.Header); }
        catch { _blocks.Dispose(); throw; }
        _blockEnum = _blocks.Blocks().GetEnumerator();
    }

    /// <summary>The header as it should be echoed: the five fields in canonical order.</summary>
    public static string CanonicalHeader => ScoringLineParser.CanonicalHeader;

    /// <summary>Line number of the row <see cref="Next"/> returned last.</summary>
    public long Line { get; private set; }

    /// <summary>Text of the line <see cref="Next"/> returned last.</summary>
    public string RawLine { get; private set; } = "";

    /// <summary>Reads the next non-empty line; false at end of file. Exactly one of product / reject is set when true.</summary>
    public bool Next(out ProductStats? product, out ProductScoringReject? reject)
    {
        product = null;
        reject = null;
        while (true)
        {
            if (_lines is null || !_lines.MoveNext())
            {
                _block?.Return();
                _block = null;
                if (!_blockEnum.MoveNext()) return false;
                _block = _blockEnum.Current;
                _lines = Utf8LineBlocks.Lines(_block).GetEnumerator();
                continue;
            }
            var (line, start, length) = _lines.Current;
            if (length == 0) continue;
            var span = _block!.Buffer.AsSpan(start, length);
            Line = line;
            RawLine = Encoding.UTF8.GetString(span);
            var error = _parser.Parse(span, out var row);
            if (error is { } e) reject = new ProductScoringReject(File, line, e.Field, e.Reason, RawLine);
            else product = new ProductStats(Encoding.UTF8.GetString(row.ProductId.Of(span)), Encoding.UTF8.GetString(row.CategoryId.Of(span)),
                row.CpcValue, row.ClicksValue, row.ImpressionsValue, row.ViewsMissing);
            return true;
        }
    }

    public void Dispose()
    {
        _block?.Return();
        _blockEnum.Dispose();
        _blocks.Dispose();
    }
}
