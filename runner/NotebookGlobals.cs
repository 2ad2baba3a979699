namespace Workbook.Notebooks;

/// <summary>
/// The globals every notebook cell sees, as in Polyglot Notebooks: <c>display(value)</c> shows a value in the
/// cell's output (HTML for <see cref="Microsoft.AspNetCore.Html.IHtmlContent"/>, encoded text otherwise).
/// </summary>
public sealed class NotebookGlobals
{
    internal CellCapture? Capture { get; set; }

    /// <summary>Shows <paramref name="value"/> below the cell, after any console output written so far.</summary>
#pragma warning disable IDE1006 // lower-case like Polyglot's display()
    public void display(object? value) =>
        (Capture ?? throw new InvalidOperationException("display() was called outside a running cell.")).Display(value);
#pragma warning restore IDE1006
}
