import WardKit
print("x")
