using System.Text;

namespace Workbook.Notebooks;

/// <summary>
/// Collects one cell's outputs in the order they happened: console text written so far becomes an output item
/// whenever a value is displayed, so prints and charts interleave as the author wrote them.
/// </summary>
internal sealed class CellCapture : TextWriter
{
    private readonly StringBuilder _pending = new();
    private readonly List<CellOutput> _outputs = [];
    private readonly object _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate) _pending.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_gate) _pending.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate) _pending.Append(buffer, index, count);
    }

    public void Display(object? value) => Add(OutputKind.Display, HtmlFormatter.ToHtml(value));

    public void Add(OutputKind kind, string html)
    {
        lock (_gate)
        {
            FlushConsole();
            _outputs.Add(new CellOutput(kind, html));
        }
    }

    public IReadOnlyList<CellOutput> Finish()
    {
        lock (_gate)
        {
            FlushConsole();
            return _outputs.ToList();
        }
    }

    private void FlushConsole()
    {
        if (_pending.Length == 0) return;
        _outputs.Add(new CellOutput(OutputKind.Console, HtmlFormatter.Text(_pending.ToString())));
        _pending.Clear();
    }
}
