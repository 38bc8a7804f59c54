import App

await Millwright.main()
