using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.Data.Analysis;
using GenericChart = Plotly.NET.GenericChart;

namespace Workbook.Reports;

/// <summary>
/// In a .NET Interactive kernel (VS Code's Polyglot Notebooks), shows a Plotly.NET chart and a <see cref="DataFrame"/>
/// the way the report runner does: as a <see cref="Figure"/> drawn by the pinned plotly.js (offline; Plotly.NET alone
/// shows a placeholder, and Plotly.NET.Interactive loads plotly.js from a CDN) and as a <see cref="Table"/> (the
/// package's own formatter loads only through <c>#r "nuget:"</c>). The library does not reference .NET Interactive:
/// when the kernel's formatting assembly is in the process (now or later), the formatters are registered through
/// its public <c>Formatter.Register(Type, Action&lt;object, TextWriter&gt;, string)</c>. Elsewhere this does nothing.
/// </summary>
internal static class InteractiveFormatters
{
    private const string FormattingAssembly = "Microsoft.DotNet.Interactive.Formatting";

    /// <summary>What each type becomes before it is written as HTML (runner/HtmlFormatter.cs does the same).</summary>
    internal static readonly IReadOnlyList<(Type Type, Func<object, IHtmlContent> ToHtml)> Conversions =
    [
        (typeof(GenericChart), o => Figure.From((GenericChart)o)),
        (typeof(DataFrame), o => Table.From((DataFrame)o)),
    ];

#pragma warning disable CA2255 // a library initializer on purpose: it must run before a cell's value is formatted
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) =>
        {
            if (e.LoadedAssembly.GetName().Name == FormattingAssembly) TryRegister(e.LoadedAssembly);
        };
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            if (assembly.GetName().Name == FormattingAssembly) TryRegister(assembly);
    }

    /// <summary>
    /// Registers the formatters with .NET Interactive's <c>Formatter</c> (registering again replaces them); false when
    /// the assembly has no such method.
    /// </summary>
    internal static bool TryRegister(Assembly formatting)
    {
        var register = formatting.GetType("Microsoft.DotNet.Interactive.Formatting.Formatter")?.GetMethod("Register",
            BindingFlags.Public | BindingFlags.Static, [typeof(Type), typeof(Action<object, TextWriter>), typeof(string)]);
        if (register is null) return false;
        foreach (var (type, convert) in Conversions)
            register.Invoke(null, [type, (Action<object, TextWriter>)((value, writer) => convert(value).WriteTo(writer, HtmlEncoder.Default)), "text/html"]);
        return true;
    }
}
