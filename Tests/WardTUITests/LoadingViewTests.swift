import Testing
@testable import WardTUI

@Suite struct LoadingViewTests {
    @Test func theFirstReadSaysHowFarItHasGotAndFitsAnySize() {
        let text = LoadingView.render(width: 120, height: 30, store: "Checkout", looked: 12345, read: 12000, seconds: 3.4).text
        #expect(text.contains("Ward · Checkout"))
        #expect(text.contains("Reading the store: 12,345 records, 12,000 read from their files (3 s)"))
        #expect(text.contains("later opens are quick"))
        for (width, height) in [(20, 5), (40, 10), (80, 24)] {
            let small = LoadingView.render(width: width, height: height, store: "Checkout", looked: 1, read: 1, seconds: 0).text
            #expect(fits(small, width: width, height: height), "\(width)x\(height)")
        }
    }
}
